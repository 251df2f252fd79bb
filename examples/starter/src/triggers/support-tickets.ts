import { defineWebhookSource } from "keystroke/trigger";
import { z } from "zod";
import { support } from "../agents/support.js";

/**
 * `POST /api/triggers/support-tickets`: a helpdesk posts each new ticket; the support agent answers
 * it in a new session. Test tickets are filtered out. Set SUPPORT_TICKETS_SECRET to require an
 * `X-Keystroke-Signature` (see docs/triggers.md).
 */
export const supportTickets = defineWebhookSource({
  slug: "support-tickets",
  name: "Support tickets",
  description: "New helpdesk tickets, answered by the support agent",
  endpoint: "/support-tickets",
  request: z.object({
    customer: z.string().min(1),
    message: z.string().min(1),
    orderId: z.string().optional(),
    test: z.boolean().default(false),
  }),
  filter: (ticket) => !ticket.test,
  ...(process.env.SUPPORT_TICKETS_SECRET ? { secret: process.env.SUPPORT_TICKETS_SECRET } : {}),
}).attach({
  agent: support,
  prompt: (ticket) =>
    `${ticket.customer} wrote${ticket.orderId ? ` about order ${ticket.orderId}` : ""}: ${ticket.message}`,
});
