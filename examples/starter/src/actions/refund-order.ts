import { defineAction } from "keystroke/action";
import { z } from "zod";

export const refundOrder = defineAction({
  slug: "refund-order",
  name: "Refund order",
  description: "Refunds the payment of an order through the payment provider",
  service: "stripe",
  input: z.object({ orderId: z.string(), reason: z.string() }),
  output: z.object({ refundId: z.string(), amount: z.number() }),
  run: async ({ orderId }, { log }) => {
    log("warn", `Refund requested for ${orderId}`, { orderId });
    throw new Error(`Refunds for ${orderId} need a manager's approval (payment provider answered 403)`);
  },
});
