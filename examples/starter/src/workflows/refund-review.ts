import { defineWorkflow, promptLlm } from "keystroke/workflow";
import { z } from "zod";
import { lookupOrder } from "../actions/lookup-order.js";
import { support } from "../agents/support.js";
import { starterModel } from "../model.js";

/**
 * Reviews a refund request with every kind of step: an action, a model call with structured
 * output, an agent prompt, a cooling-off sleep and, when asked for, a manager's approval hook.
 */
export const refundReview = defineWorkflow({
  slug: "refund-review",
  name: "Refund review",
  description: "Triages a refund request, drafts the customer note, waits, then approves (or asks a manager to)",
  input: z.object({
    orderId: z.string().min(1),
    reason: z.string().min(1),
    approval: z.enum(["auto", "manager"]).default("auto"),
    coolOff: z.string().default("3s"),
  }),
  output: z.object({
    orderId: z.string(),
    category: z.string(),
    approved: z.boolean(),
    approvedBy: z.string(),
    note: z.string(),
  }),
  retries: { attempts: 3, initialMs: 200 },
  async run({ orderId, reason, approval, coolOff }, ctx) {
    const order = await lookupOrder.run({ orderId });
    const triage = await promptLlm(`Classify this refund request for order ${orderId} (${order.status}): ${reason}`, {
      model: starterModel("research"),
      outputSchema: z.object({ category: z.enum(["damaged", "late", "other"]), summary: z.string() }),
    });
    const drafted = await support.prompt({
      message: `Write a two-line note to the customer of order ${orderId} about their refund: ${triage.summary}`,
    });
    const note = drafted.messages.flatMap((m) => m.parts).findLast((p) => p.type === "text");
    await ctx.sleep(coolOff);
    let decision = { approved: true, by: "policy" };
    if (approval === "manager") {
      const hook = ctx.hook({
        schema: z.object({ approved: z.boolean(), by: z.string().default("manager") }),
        timeout: "7d",
      });
      ctx.log("info", `Waiting for a manager: POST {"approved": true} to ${hook.resumeUrl}`);
      const answer = await hook;
      decision = { approved: answer.approved, by: answer.by };
    }
    return {
      orderId,
      category: triage.category,
      approved: decision.approved,
      approvedBy: decision.by,
      note: note?.type === "text" ? note.text : "",
    };
  },
});
