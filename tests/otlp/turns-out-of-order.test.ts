/**
 * Whole turns of one conversation delivered out of order, as an exporter retrying a request the
 * server did not answer (it was restarting) delivers an earlier turn after a later one: the
 * conversation still reads in the order it was said. Three AI SDK turns, each its own trace with
 * the session id, are recorded once, then exported with the real protobuf exporter in order into
 * one project and as turn 2, turn 3, turn 1 into another (each turn's root in a request after its
 * model and tool calls); both read back alike, each message once.
 */

import { startTestServer, type TestServer } from "@keystroke/server/testing";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { generateText, type ModelMessage, stepCountIs, tool } from "ai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { scriptedModel } from "./support/mock-model.js";
import { conversation, session } from "./support/spans.js";
import "./support/tracing.js";

let server: TestServer;
/** The spans of each turn, as the app recorded them. */
const turns: ReadableSpan[][] = [];

beforeAll(async () => {
  server = await startTestServer();
  const messages: ModelMessage[] = [];
  for (const order of ["A1", "B2", "C3"]) {
    const memory = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
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
        metadata: { sessionId: "ses-late-turn" },
        tracer: provider.getTracer("ai"),
      },
    });
    messages.push(...result.response.messages);
    turns.push(memory.getFinishedSpans());
    await provider.shutdown();
    // The user reads the answer before asking again.
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
});
afterAll(() => server.close());

async function send(project: string, spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({
    url: `${server.url}/v1/traces`,
    headers: { "x-keystroke-project": project },
  });
  const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));
  await exporter.shutdown();
  if (result.code !== 0) throw result.error ?? new Error("export failed");
}

/** A turn as a batch exporter sends it: its model and tool calls, then its root, which ends last. */
async function sendTurn(project: string, spans: ReadableSpan[]): Promise<void> {
  const root = spans.filter((s) => s.parentSpanContext === undefined);
  await send(
    project,
    spans.filter((s) => !root.includes(s)),
  );
  await send(project, root);
}

it("a turn delivered after the turns that followed it takes its place in the conversation", async () => {
  expect(turns.map((spans) => spans.length)).toEqual([4, 4, 4]);
  for (const spans of turns) await sendTurn("in-order", spans);
  for (const index of [1, 2, 0]) await sendTurn("late-first-turn", turns[index] as ReadableSpan[]);

  const inOrder = await session(server, "support-agent", "ses-late-turn", "in-order");
  const late = await session(server, "support-agent", "ses-late-turn", "late-first-turn");
  const said = conversation(inOrder);
  expect(said.filter(([, type]) => type === "text")).toEqual([
    ["system", "text", "You are the support agent of a shop."],
    ["user", "text", "Where is order A1?"],
    ["assistant", "text", "Order A1 ships tomorrow."],
    ["user", "text", "Where is order B2?"],
    ["assistant", "text", "Order B2 ships tomorrow."],
    ["user", "text", "Where is order C3?"],
    ["assistant", "text", "Order C3 ships tomorrow."],
  ]);
  // Each turn's tool call and result sit between its question and its answer.
  expect(said.slice(1, 5)).toEqual([
    ["user", "text", "Where is order A1?"],
    ["assistant", "tool_call", "lookupOrder"],
    ["assistant", "tool_result", "lookupOrder"],
    ["assistant", "text", "Order A1 ships tomorrow."],
  ]);
  expect(conversation(late)).toEqual(said);
  expect(late.run.tokens).toMatchObject({ input: 3 * 1200, output: 3 * 40 });
  // The session ran from the first turn's start to the last turn's end, as when it came in order.
  const span = ({ status, startedAt, finishedAt, durationMs }: Record<string, unknown>) => ({
    status,
    startedAt,
    finishedAt,
    durationMs,
  });
  expect(span(late.run)).toEqual(span(inOrder.run));
  expect(late.run.status).toBe("success");
  expect(late.run.durationMs).toBeGreaterThan(60);
  const runs = await server.get<{ runs: { name: string }[] }>("/api/history?project=late-first-turn&limit=100");
  expect(runs.body.runs.map((r) => r.name)).toEqual(["Support Agent"]);
});
