/**
 * Three turns of a shop's support agent on the AI SDK, one session: each turn asks where an order
 * is, the model looks it up with a tool call, then answers. The app re-sends the whole history
 * each turn, as chat apps do; each turn is a trace of its own.
 */
import type { Tracer } from "@opentelemetry/api";
import { generateText, type ModelMessage, stepCountIs, tool } from "ai";
import { z } from "zod";
import { scriptedModel } from "./mock-model.js";

/** The orders the three turns ask about. */
export const ORDERS = ["A1", "B2", "C3"] as const;

/**
 * Runs the three turns of session `sessionId`, each with the tracer `tracerOf` gives it, calling
 * `between` after each turn (a pause, say).
 */
export async function shopTurns(
  sessionId: string,
  tracerOf: (turn: number) => Tracer,
  between: (turn: number) => Promise<void> = async () => {},
): Promise<void> {
  const messages: ModelMessage[] = [];
  for (const [turn, order] of ORDERS.entries()) {
    messages.push({ role: "user", content: `Where is order ${order}?` });
    const result = await generateText({
      model: scriptedModel([
        { toolCall: { id: `call-${order}`, name: "lookupOrder", input: { order } }, input: 500, output: 30 },
        { text: `Order ${order} ships tomorrow.`, input: 700, output: 10 },
      ]),
      system: "You are the support agent of a shop.",
      messages,
      tools: {
        lookupOrder: tool({
          inputSchema: z.object({ order: z.string() }),
          execute: async ({ order: id }) => ({ id, status: "shipped" }),
        }),
      },
      stopWhen: stepCountIs(3),
      experimental_telemetry: {
        isEnabled: true,
        functionId: "Support Agent",
        metadata: { sessionId },
        tracer: tracerOf(turn),
      },
    });
    messages.push(...result.response.messages);
    await between(turn);
  }
}

/** What the session says, text only, when every turn is kept once and in order. */
export const SHOP_CONVERSATION = [
  ["system", "text", "You are the support agent of a shop."],
  ...ORDERS.flatMap((order) => [
    ["user", "text", `Where is order ${order}?`],
    ["assistant", "text", `Order ${order} ships tomorrow.`],
  ]),
];
