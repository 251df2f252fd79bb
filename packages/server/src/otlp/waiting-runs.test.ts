/**
 * What a receiver started again reads back from a real SQLite store (waitingOtlpRuns), given to a
 * new TraceAssembler as the mapping worker gives it: the turns that ended lately are held again as
 * they were, and the older ones of a conversation are remembered as its own.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IngestBatch } from "@keystroke/core";
import { openSqliteStore, type RunStore } from "@keystroke/store";
import { afterEach, beforeEach, expect, it } from "vitest";
import { TraceAssembler } from "./map/trace-assembler.js";
import type { OtlpLogRecord, OtlpSpan } from "./otlp-model.js";
import { waitingOtlpRuns } from "./waiting-runs.js";

const TRACE = "7a1c0de5f00d7a1c0de5f00d7a1c0de5";
const id = (n: number) => n.toString(16).padStart(16, "0");

let dir: string;
let store: RunStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "keystroke-waiting-runs-"));
  store = openSqliteStore(join(dir, "runs.db"));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function span(n: number, at: number, attributes: OtlpSpan["attributes"], root = false): OtlpSpan {
  return {
    traceId: TRACE,
    spanId: id(n),
    parentSpanId: root ? undefined : id(255),
    parentIsRemote: false,
    name: `span ${n}`,
    kind: 1,
    startMs: at + n,
    endMs: at + n + 1,
    attributes,
    events: [],
    statusCode: 0,
    statusMessage: "",
    resource: { "service.name": "shop" },
  };
}

/** A turn whose model calls carry no content (it comes as log records), with a tool call between them. */
function turn(at: number): OtlpSpan[] {
  const chat = { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o" };
  return [
    span(2, at, chat),
    span(5, at, {
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "lookup",
      "gen_ai.tool.call.id": "call-1",
      "gen_ai.tool.call.arguments": '{"order":7}',
      "gen_ai.tool.call.result": '{"status":"shipped"}',
    }),
    span(8, at, chat),
    {
      ...span(255, at, { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": "c-orders" }, true),
      startMs: at,
      endMs: at + 1000,
    },
  ];
}

function records(at: number): OtlpLogRecord[] {
  const record = (n: number, name: string, body: unknown): OtlpLogRecord => ({
    timeMs: at + n,
    severityNumber: 9,
    severityText: "",
    body: body as OtlpLogRecord["body"],
    attributes: { "event.name": name },
    traceId: TRACE,
    spanId: id(n),
    eventName: "",
    resource: {},
  });
  return [
    record(2, "gen_ai.user.message", { content: "Where is order 7?" }),
    record(8, "gen_ai.choice", { message: { content: "It shipped." } }),
  ];
}

/** The assembler of a receiver started again on `store`, as the mapping worker makes it. */
async function restarted(): Promise<TraceAssembler> {
  const read = await waitingOtlpRuns(store);
  const assembler = new TraceAssembler({ waitingRuns: read.runIds });
  for (const { run, traceIds } of read.rooted) assembler.rememberEnded(run, traceIds);
  for (const { run, spans, logs } of read.traces) assembler.restore(run, spans, logs);
  return assembler;
}

/** What the store keeps of the conversation after `batches`: each message once, in order. */
async function conversation(batches: IngestBatch[]): Promise<string[]> {
  await store.append(batches);
  // The run the last batch went to (a trace filed under a run of its own moves with its root).
  const run = await store.getRun(batches.at(-1)?.runId as string, { messages: { limit: 100 } });
  return (run?.messages?.items ?? []).map((m) =>
    m.parts.map((p) => (p.type === "text" ? p.text : p.type === "tool_call" ? "tool_call" : p.type)).join(),
  );
}

it("holds again a turn that ended lately and waited for its log records, and writes it in order when they come", async () => {
  const at = Date.now() - 5_000;
  const before = new TraceAssembler();
  // The turn is written; its tool call waits in memory for the records with the question and answer.
  await store.append(before.assemble(undefined, turn(at), [], at + 1_100).batches);
  // The server is killed; the records come to the next one.
  const after = await restarted();
  const batches = after.assemble(undefined, [], records(at), at + 1_200).batches;
  expect(await conversation(batches)).toEqual(["Where is order 7?", "tool_call", "tool_result", "It shipped."]);
  expect(new Set(batches.map((b) => b.runId)).size).toBe(1);
});

it("files the log records of an older turn of a conversation under the conversation's run", async () => {
  const at = Date.now() - 5 * 60_000;
  const before = new TraceAssembler();
  const written = before.assemble(undefined, turn(at), [], at + 1_100).batches;
  // Long enough ago that its tool call was written without them.
  written.push(...before.drain(true, at + 60_000));
  await store.append(written);
  const runId = written[0]?.runId;
  const after = await restarted();
  const batches = after.assemble(undefined, [], records(at), Date.now()).batches;
  expect(batches.map((b) => b.runId)).toEqual([runId]);
  // Written after the tool call, the question and answer still read in the order they were said.
  expect(await conversation(batches)).toEqual(["Where is order 7?", "tool_call", "tool_result", "It shipped."]);
});

it("adds nothing when a request the killed server stored, but did not answer, is sent again to the next", async () => {
  const at = Date.now() - 5_000;
  const chat = (n: number) => span(n, at, { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o" });
  const record = (n: number, name: string, body: unknown): OtlpLogRecord => ({
    ...(records(at)[0] as OtlpLogRecord),
    timeMs: at + n,
    body: body as OtlpLogRecord["body"],
    attributes: { "event.name": name },
    spanId: id(n),
  });
  const first = () => [
    record(2, "gen_ai.system.message", { content: "Be brief." }),
    record(2, "gen_ai.user.message", { content: "Where is order 7?" }),
    record(2, "gen_ai.choice", { message: { content: "It shipped." } }),
  ];
  const before = new TraceAssembler();
  await store.append(before.assemble(undefined, [chat(2)], first(), at + 10).batches);
  // Killed before it answered: the exporter sends the request again to the next server.
  const after = await restarted();
  const again = after.assemble(undefined, [chat(2)], first(), at + 20).batches;
  const second = after.assemble(
    undefined,
    [chat(8)],
    [
      record(8, "gen_ai.system.message", { content: "Be brief." }),
      record(8, "gen_ai.user.message", { content: "Where is order 7?" }),
      record(8, "gen_ai.assistant.message", { content: "It shipped." }),
      record(8, "gen_ai.user.message", { content: "And order 8?" }),
      record(8, "gen_ai.choice", { message: { content: "It shipped." } }),
    ],
    at + 30,
  ).batches;
  const root = turn(at).at(-1) as OtlpSpan;
  const rooted = after.assemble(undefined, [root], [], at + 40).batches;
  expect(await conversation([...again, ...second, ...rooted])).toEqual([
    "Be brief.",
    "Where is order 7?",
    "It shipped.",
    "And order 8?",
    "It shipped.",
  ]);
});

it("gives the turns in flight of every running run the budget before the turns that ended lately", async () => {
  const at = Date.now() - 5_000;
  const chat = { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o" };
  const assembler = new TraceAssembler();
  const trace = (traceId: string, spans: OtlpSpan[]) => spans.map((s) => ({ ...s, traceId }));
  // An older conversation with a turn in flight of 300 model calls.
  const inFlight = (conversation: string, traceId: string, calls: number, when: number) =>
    trace(
      traceId,
      Array.from({ length: calls }, (_, n) => span(n + 1, when, { ...chat, "gen_ai.conversation.id": conversation })),
    );
  await store.append(
    assembler.assemble(undefined, inFlight("c-old", `${"0".repeat(31)}1`, 300, at - 2_000), []).batches,
  );
  // Later conversations, each with a turn of 1,800 model calls that just ended and a small turn in flight.
  for (let c = 0; c < 11; c++) {
    const ended = trace(`${c + 2}`.padStart(32, "a"), [
      ...Array.from({ length: 1_800 }, (_, n) => span(n + 1, at, chat)),
      { ...span(4_000, at, { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": `c-${c}` }, true) },
    ]);
    await store.append(assembler.assemble(undefined, ended, []).batches);
    await store.append(
      assembler.assemble(undefined, inFlight(`c-${c}`, `${c + 2}`.padStart(32, "b"), 1, at), []).batches,
    );
  }
  const read = await waitingOtlpRuns(store);
  const restoredSpans = read.traces.reduce((n, t) => n + t.spans.length, 0);
  expect(restoredSpans).toBeLessThanOrEqual(20_000);
  expect(read.traces.map((t) => t.run.sessionId)).toContain("c-old");
  expect(read.traces.find((t) => t.run.sessionId === "c-old")?.spans).toHaveLength(300);
});

it.each([
  ["whole milliseconds", 0],
  ["times finer than a millisecond", 0.25],
])("adds nothing when a call that repeats a message is sent again after the crash, with %s", async (_, fraction) => {
  const at = Date.now() - 5_000;
  const chat = (n: number) => span(n, at, { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o" });
  const record = (n: number, name: string, body: unknown): OtlpLogRecord => ({
    ...(records(at)[0] as OtlpLogRecord),
    timeMs: at + n + fraction,
    body: body as OtlpLogRecord["body"],
    attributes: { "event.name": name },
    spanId: id(n),
  });
  const firstCall = [
    record(2, "gen_ai.system.message", { content: "Be brief." }),
    record(2, "gen_ai.user.message", { content: "Hi" }),
    record(2, "gen_ai.choice", { message: { content: "Hello" } }),
  ];
  // The user says "Hi" again: the second call's input holds it twice.
  const secondCall = () => [
    record(8, "gen_ai.system.message", { content: "Be brief." }),
    record(8, "gen_ai.user.message", { content: "Hi" }),
    record(8, "gen_ai.assistant.message", { content: "Hello" }),
    record(8, "gen_ai.user.message", { content: "Hi" }),
  ];
  const before = new TraceAssembler();
  const written = [
    ...before.assemble(undefined, [chat(2)], firstCall, at + 10).batches,
    ...before.assemble(undefined, [chat(8)], secondCall(), at + 20).batches,
  ];
  await store.append(written);
  // Killed before it answered the second: the exporter sends it again to the next server.
  const after = await restarted();
  const again = after.assemble(undefined, [chat(8)], secondCall(), at + 30).batches;
  const rooted = after.assemble(undefined, [turn(at).at(-1) as OtlpSpan], [], at + 40).batches;
  expect(await conversation([...written, ...again, ...rooted])).toEqual(["Be brief.", "Hi", "Hello", "Hi"]);
});
