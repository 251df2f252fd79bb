/**
 * Spans of one session arriving in any order and over many requests assemble the same run: the
 * spans of a real AI SDK session are recorded once, then exported with the real protobuf exporter
 * in order, one by one in reverse, and shuffled in pairs — each into its own project — and the
 * three sessions must read back alike. A session whose root span has not arrived shows running;
 * a re-sent batch adds nothing.
 */

import { startTestServer, type TestServer } from "@keystroke/server/testing";
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { generateText, stepCountIs, tool } from "ai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { scriptedModel } from "./support/mock-model.js";
import { type SessionView, session } from "./support/spans.js";
import { exportSpans } from "./support/tracing.js";

let server: TestServer;
let recorded: ReadableSpan[];

beforeAll(async () => {
  server = await startTestServer();
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  await generateText({
    model: scriptedModel([
      { toolCall: { id: "call-9", name: "weather", input: { city: "Oslo" } }, input: 400, output: 20 },
      { toolCall: { id: "call-10", name: "weather", input: { city: "Bergen" } }, input: 500, output: 20 },
      { text: "Oslo is colder than Bergen today.", input: 600, output: 10 },
    ]),
    prompt: "Which is colder, Oslo or Bergen?",
    tools: {
      weather: tool({
        description: "Weather of a city",
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => ({ city, celsius: city === "Oslo" ? -3 : 4 }),
      }),
    },
    stopWhen: stepCountIs(5),
    experimental_telemetry: {
      isEnabled: true,
      functionId: "weather",
      metadata: { sessionId: "ooo" },
      tracer: provider.getTracer("ai"),
    },
  });
  recorded = memory.getFinishedSpans();
  await provider.shutdown();
});
afterAll(() => server.close());

const send = (project: string, spans: ReadableSpan[]) => exportSpans(server.url, project, spans);

/** What a reader sees of the session, leaving out its start time (that of the first request's earliest span). */
function seen(view: SessionView) {
  const { status, tokens, totalCost, models, messageCount, stepCount, finishedAt, output, sessionId } = view.run;
  return {
    run: { status, tokens, totalCost, models, messageCount, stepCount, finishedAt, output, sessionId },
    messages: view.messages.items.map((m) => ({ role: m.role, parts: m.parts })),
    spans: view.trace.spans.items.map((s) => s.spanId),
  };
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

it("in order, reversed one by one, or shuffled in pairs: the same session", async () => {
  expect(recorded.length).toBe(6);
  await send("in-order", recorded);
  const root = recorded.find((s) => s.parentSpanContext === undefined) as ReadableSpan;
  const children = recorded.filter((s) => s !== root);

  for (const span of [...children].reverse()) await send("reversed", [span]);
  expect((await session(server, "weather", "ooo", "reversed")).run.status).toBe("running");
  await send("reversed", [root]);

  const mixed = shuffled(recorded, 7);
  for (let i = 0; i < mixed.length; i += 2) await send("shuffled", mixed.slice(i, i + 2));

  const inOrder = seen(await session(server, "weather", "ooo", "in-order"));
  expect(inOrder.run).toMatchObject({
    status: "success",
    messageCount: 6,
    stepCount: 3,
    tokens: { input: 1500, output: 50 },
  });
  expect(seen(await session(server, "weather", "ooo", "reversed"))).toEqual(inOrder);
  expect(seen(await session(server, "weather", "ooo", "shuffled"))).toEqual(inOrder);
});

it("a re-sent batch adds nothing", async () => {
  const before = await session(server, "weather", "ooo", "in-order");
  await send("in-order", recorded);
  await send("in-order", shuffled(recorded, 3).slice(0, 3));
  const after = await session(server, "weather", "ooo", "in-order");
  expect(after.run.lastSeq).toBe(before.run.lastSeq);
  expect(seen(after)).toEqual(seen(before));
});
