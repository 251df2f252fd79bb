/**
 * The answers of the trigger routes: the attachments of trigger sources to workflows and agents,
 * what a manual invoke started, and what a webhook delivery did.
 */
import { z } from "zod";

/** What one fire of a trigger did: started a run, or why it did not. */
export const deliveryOutcomes = ["started", "skipped", "filtered", "failed"] as const;
const deliveryOutcome = z.enum(deliveryOutcomes);

/** One thing a trigger did when it fired. */
export const triggerDeliverySchema = z.object({
  at: z.string(),
  outcome: deliveryOutcome,
  runId: z.string().nullable(),
  reason: z.string().nullable(),
});
export type TriggerDelivery = z.infer<typeof triggerDeliverySchema>;

/** A trigger source: what fires, and when or where. */
export const triggerSourceInfoSchema = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  kind: z.enum(["cron", "webhook", "poll"]),
  schedule: z.string().optional().describe("Cron: the expression; poll: an expression or a duration"),
  timezone: z.string().optional().describe("Cron: the IANA time zone of the schedule"),
  endpoint: z.string().optional().describe("Webhook: the path under /api/triggers"),
});
export type TriggerSourceInfo = z.infer<typeof triggerSourceInfoSchema>;

/** One attachment of a source to a workflow or an agent; its id is `sourceSlug:targetSlug`. */
export const triggerInfoSchema = z.object({
  id: z.string().describe("The attachment id, `<source slug>:<target slug>`"),
  project: z
    .string()
    .optional()
    .describe("The project of the attachment, on a server hosting several (`<organization>/<project>`)"),
  source: triggerSourceInfoSchema,
  target: z.object({ kind: z.enum(["workflow", "agent"]), slug: z.string() }),
  enabled: z.boolean(),
  overlap: z
    .enum(["skip", "queue"])
    .describe("What a fire does while the previous run of this attachment is still active"),
  lastFireAt: z.string().nullable(),
  nextFireAt: z.string().nullable().describe("Null for webhooks and disabled attachments"),
  lastError: z.object({ message: z.string(), at: z.string() }).nullable(),
  url: z.string().optional().describe("Webhook: the full URL to POST to"),
  deliveries: z.array(triggerDeliverySchema).describe("The newest 20 deliveries, newest first"),
});
export type TriggerInfo = z.infer<typeof triggerInfoSchema>;

/** `GET /api/trigger-sources`, and what `disable` and `enable` answer with (the attachments changed). */
export const triggerListSchema = z.object({ triggers: z.array(triggerInfoSchema) });
export type TriggerList = z.infer<typeof triggerListSchema>;

/** `POST /api/trigger-sources/:slug/invoke`: the runs it started (202), and what each attachment did. */
export const triggerInvokedSchema = z.object({
  runIds: z.array(z.string()).describe("The runs started"),
  deliveries: z.array(
    z.object({
      trigger: z.string(),
      outcome: deliveryOutcome,
      runId: z.string().nullable(),
      reason: z.string().nullable(),
    }),
  ),
});
export type TriggerInvoked = z.infer<typeof triggerInvokedSchema>;

/** `POST /api/triggers/:endpoint`: the runs a webhook started, or why it started none. */
export const webhookReplySchema = z.union([
  z.object({
    runId: z.string().optional().describe("The first run started"),
    runIds: z.array(z.string()).describe("One per attachment whose run started"),
    failed: z.array(z.object({ trigger: z.string(), reason: z.string() })).optional(),
  }),
  z.object({ ok: z.literal(true), skipped: z.literal(true), reason: z.string().optional() }),
]);
export type WebhookReply = z.infer<typeof webhookReplySchema>;
