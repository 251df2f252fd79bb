import { defineAgent } from "keystroke/agent";
import { lookupOrder } from "../actions/lookup-order.js";
import { refundOrder } from "../actions/refund-order.js";
import { starterModel } from "../model.js";
import { research } from "./research.js";

export const support = defineAgent({
  slug: "support",
  name: "Support",
  description: "Answers Acme customers: order status, refunds, and product questions through the research agent",
  systemPrompt:
    "You are Acme's support agent. Look up orders with lookup-order, request refunds with refund-order, and ask the research agent about product policy. Be brief.",
  model: starterModel("support"),
  tools: [lookupOrder, refundOrder, research],
  thinkingLevel: "low",
});
