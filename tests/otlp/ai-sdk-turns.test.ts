/**
 * The Vercel AI SDK's telemetry over several turns of one session, exported two spans per
 * request, so each turn's `ai.generateText` root comes after its model and tool calls. The app
 * re-sends the whole history each turn; the session holds every message once.
 */

import { startTestServer, type TestServer } from "@keystroke/server/testing";
import { generateText, type ModelMessage, stepCountIs, tool } from "ai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { scriptedModel } from "./support/mock-model.js";
import { conversation, session } from "./support/spans.js";
import { tracerProvider } from "./support/tracing.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it("three turns, two spans per request, are one session with exact tokens and each message once", async () => {
  const provider = tracerProvider(server.url, { service: "shop-backend", batchSize: 2 });
  const messages: ModelMessage[] = [];
  for (const order of ["A1", "B2", "C3"]) {
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
        metadata: { sessionId: "ses-three-turns" },
        tracer: provider.getTracer("ai"),
      },
    });
    messages.push(...result.response.messages);
  }
  await provider.forceFlush();
  await provider.shutdown();

  const runs = await server.get<{ runs: { name: string }[] }>("/api/history?limit=100");
  expect(runs.body.runs.map((r) => r.name)).toEqual(["Support Agent"]);
  const view = await session(server, "support-agent", "ses-three-turns");
  expect(view.run.tokens).toMatchObject({ input: 3 * 1200, output: 3 * 40 });
  expect(view.run.status).toBe("success");
  const said = conversation(view).filter(([, type]) => type === "text");
  expect(said).toEqual([
    ["system", "text", "You are the support agent of a shop."],
    ["user", "text", "Where is order A1?"],
    ["assistant", "text", "Order A1 ships tomorrow."],
    ["user", "text", "Where is order B2?"],
    ["assistant", "text", "Order B2 ships tomorrow."],
    ["user", "text", "Where is order C3?"],
    ["assistant", "text", "Order C3 ships tomorrow."],
  ]);
  expect(conversation(view).filter(([, type]) => type === "tool_call")).toHaveLength(3);
});
