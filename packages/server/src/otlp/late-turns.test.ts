/**
 * A turn of a conversation that reaches the store after the turn that followed it (an exporter
 * retried its request once the restarted server answered), assembled by the receiver's
 * TraceAssembler and written to a real SQLite store: the conversation reads in the order it was
 * said, each message once, when the content comes as message log records
 * (`@opentelemetry/instrumentation-openai`), whose later call re-sends the first turn as history
 * stamped with its own time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore, type RunStore } from "@keystroke/store";
import { afterEach, beforeEach, expect, it } from "vitest";
import { TraceAssembler } from "./map/trace-assembler.js";
import type { OtlpLogRecord, OtlpSpan } from "./otlp-model.js";

const id = (n: number) => n.toString(16).padStart(16, "0");

let dir: string;
let store: RunStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "keystroke-late-turns-"));
  store = openSqliteStore(join(dir, "runs.db"));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A turn: the app's invoke_agent root with the conversation id, and one chat call under it. */
function turn(traceId: string, at: number): OtlpSpan[] {
  const span = (n: number, attributes: OtlpSpan["attributes"], parent?: string): OtlpSpan => ({
    traceId,
    spanId: id(n),
    parentSpanId: parent,
    parentIsRemote: false,
    name: `span ${n}`,
    kind: 1,
    startMs: at + n,
    endMs: at + n + 100,
    attributes,
    events: [],
    statusCode: 0,
    statusMessage: "",
    resource: { "service.name": "shop" },
  });
  return [
    span(2, { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o" }, id(1)),
    span(1, { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": "c-late" }),
  ];
}

/** The chat call's records, as instrumentation-openai sends them: its whole input, then its answer. */
function records(traceId: string, at: number, input: [string, string][], answer: string): OtlpLogRecord[] {
  const record = (name: string, body: unknown): OtlpLogRecord => ({
    timeMs: at + 2,
    severityNumber: 9,
    severityText: "",
    body: body as OtlpLogRecord["body"],
    attributes: { "event.name": name },
    traceId,
    spanId: id(2),
    eventName: "",
    resource: {},
  });
  return [
    ...input.map(([role, content]) => record(`gen_ai.${role}.message`, { content })),
    record("gen_ai.choice", { message: { content: answer } }),
  ];
}

it("reads a turn written after the next one in the order the conversation was said", async () => {
  const first = Date.now() - 60_000;
  const second = first + 5_000;
  const [t1, t2] = ["1".repeat(32), "2".repeat(32)];
  const assembler = new TraceAssembler();
  const later = assembler.assemble(
    undefined,
    turn(t2, second),
    records(
      t2,
      second,
      [
        ["system", "Be brief."],
        ["user", "Where is order 7?"],
        ["assistant", "It shipped."],
        ["user", "And order 8?"],
      ],
      "It is on its way.",
    ),
    second + 200,
  ).batches;
  await store.append(later);
  const earlier = assembler.assemble(
    undefined,
    turn(t1, first),
    records(
      t1,
      first,
      [
        ["system", "Be brief."],
        ["user", "Where is order 7?"],
      ],
      "It shipped.",
    ),
    second + 300,
  ).batches;
  await store.append(earlier);

  const runs = new Set([...later, ...earlier].map((b) => b.runId));
  expect(runs.size).toBe(1);
  const view = await store.getRun([...runs][0] as string, { messages: {} });
  const iso = (ms: number) => new Date(ms + 2).toISOString();
  expect(
    view?.messages?.items.map((m) => [
      m.role,
      m.parts.map((p) => (p.type === "text" ? p.text : p.type)).join(),
      m.time,
    ]),
  ).toEqual([
    ["system", "Be brief.", iso(first)],
    ["user", "Where is order 7?", iso(first)],
    ["assistant", "It shipped.", iso(first)],
    ["user", "And order 8?", iso(second)],
    ["assistant", "It is on its way.", iso(second)],
  ]);
  expect(view?.run.messageCount).toBe(5);
});
