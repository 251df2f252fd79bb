import { defineAction } from "keystroke/action";
import { z } from "zod";

const orders: Record<string, { status: string; carrier: string; eta: string }> = {
  "A-1001": { status: "shipped", carrier: "DHL", eta: "2026-12-02" },
  "A-1002": { status: "processing", carrier: "UPS", eta: "2026-12-05" },
  "A-1003": { status: "delivered", carrier: "FedEx", eta: "2026-11-25" },
};

export const lookupOrder = defineAction({
  slug: "lookup-order",
  name: "Look up order",
  description: "Finds the shipping status, carrier and delivery estimate of an order by its order id",
  service: "orders-db",
  input: z.object({ orderId: z.string().describe("The order id, e.g. A-1001") }),
  output: z.object({ orderId: z.string(), status: z.string(), carrier: z.string(), eta: z.string() }),
  run: async ({ orderId }, { log }) => {
    log("info", `Looking up order ${orderId}`, { orderId });
    const order = orders[orderId.toUpperCase()];
    if (!order) throw new Error(`No order ${orderId}; known orders are ${Object.keys(orders).join(", ")}`);
    return { orderId, ...order };
  },
});
