/**
 * Whole turns of one conversation delivered out of order, as an exporter retrying a request the
 * server did not answer (it was restarting) delivers an earlier turn after a later one: the
 * conversation still reads in the order it was said. Three AI SDK turns, each its own trace with
 * the session id, are recorded once, then exported with the real protobuf exporter in order into
 * one project and as turn 2, turn 3, turn 1 into another (each turn's root in a request after its
 * model and tool calls); both read back alike, each message once.
 */

import { startTestServer, type TestServer } from "@keystroke/server/testing";
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SHOP_CONVERSATION, shopTurns } from "./support/shop-turns.js";
import { conversation, session } from "./support/spans.js";
import { exportSpans } from "./support/tracing.js";

let server: TestServer;
/** The spans of each turn, as the app recorded them. */
const turns: ReadableSpan[][] = [];

beforeAll(async () => {
  server = await startTestServer();
  const recorded = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(recorded)] });
  await shopTurns(
    "ses-late-turn",
    () => provider.getTracer("ai"),
    async () => {
      turns.push(recorded.getFinishedSpans());
      recorded.reset();
      // The user reads the answer before asking again.
      await new Promise((resolve) => setTimeout(resolve, 30));
    },
  );
  await provider.shutdown();
});
afterAll(() => server.close());

const send = (project: string, spans: ReadableSpan[]) => exportSpans(server.url, project, spans);

/** A turn as a batch exporter sends it: its model and tool calls, then its root, which ends last. */
async function sendTurn(project: string, spans: ReadableSpan[]): Promise<void> {
  const root = spans.filter((s) => s.parentSpanContext === undefined);
  await send(
    project,
    spans.filter((s) => !root.includes(s)),
  );
  await send(project, root);
}

/** How a session ended: its status, start, end, duration and output. */
const ending = ({ run }: Awaited<ReturnType<typeof session>>) => [
  run.status,
  run.startedAt,
  run.finishedAt,
  run.durationMs,
  run.output,
];

/** The turns sent in order, into project "in-order", once for the tests that compare with them. */
let sentInOrder: Promise<void> | undefined;
const sendInOrder = () => {
  sentInOrder ??= (async () => {
    for (const spans of turns) await sendTurn("in-order", spans);
  })();
  return sentInOrder;
};

it("a turn delivered after the turns that followed it takes its place in the conversation", async () => {
  expect(turns.map((spans) => spans.length)).toEqual([4, 4, 4]);
  await sendInOrder();
  for (const index of [1, 2, 0]) await sendTurn("late-first-turn", turns[index] as ReadableSpan[]);

  const inOrder = await session(server, "support-agent", "ses-late-turn", "in-order");
  const late = await session(server, "support-agent", "ses-late-turn", "late-first-turn");
  const said = conversation(inOrder);
  expect(said.filter(([, type]) => type === "text")).toEqual(SHOP_CONVERSATION);
  // Each turn's tool call and result sit between its question and its answer.
  expect(said.slice(1, 5)).toEqual([
    ["user", "text", "Where is order A1?"],
    ["assistant", "tool_call", "lookupOrder"],
    ["assistant", "tool_result", "lookupOrder"],
    ["assistant", "text", "Order A1 ships tomorrow."],
  ]);
  expect(conversation(late)).toEqual(said);
  expect(late.run.tokens).toMatchObject({ input: 3 * 1200, output: 3 * 40 });
  expect(late.run.status).toBe("success");
  // The run starts with its first turn and ends with its last, whichever came last.
  expect(ending(late)).toEqual(ending(inOrder));
  expect(late.run.durationMs).toBeGreaterThan(0);
  const runs = await server.get<{ runs: { name: string }[] }>("/api/history?project=late-first-turn&limit=100");
  expect(runs.body.runs.map((r) => r.name)).toEqual(["Support Agent"]);
});

it("a turn whose root alone comes after the turns that followed it leaves the session as its last turn ended", async () => {
  // Turn 1's model and tool calls were written in time; only the request with its root was retried.
  const [first, second, third] = turns as [ReadableSpan[], ReadableSpan[], ReadableSpan[]];
  const root = first.filter((s) => s.parentSpanContext === undefined);
  await send(
    "late-first-root",
    first.filter((s) => !root.includes(s)),
  );
  await sendTurn("late-first-root", second);
  await sendTurn("late-first-root", third);
  await send("late-first-root", root);
  await sendInOrder();

  const inOrder = await session(server, "support-agent", "ses-late-turn", "in-order");
  const late = await session(server, "support-agent", "ses-late-turn", "late-first-root");
  expect(conversation(late)).toEqual(conversation(inOrder));
  expect(ending(late)).toEqual(ending(inOrder));
});
