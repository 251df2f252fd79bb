import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IngestBatch, RunEventInput, RunFilter, RunSummary, StoredEvent } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { moreEvents, runEvents } from "../conformance/index.js";
import { openPostgresStore } from "../postgres/postgres-run-store.js";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "../postgres/test-database.js";
import type { RunStore } from "../run-store.js";
import { openSqliteStore } from "../sqlite/sqlite-run-store.js";
import { type CopyProgress, copyRuns } from "./copy-runs.js";

const T0 = Date.parse("2026-09-14T08:00:00Z");
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const event = (e: RunEventInput): RunEventInput => e;

/** A span of an OTLP-shaped trace, optionally a model call. */
function spanEvent(at: number, n: number, model?: string): RunEventInput {
  return {
    eventId: newEventId(),
    type: "span.recorded",
    time: iso(at + 900),
    span: {
      traceId: hex(at, 32),
      spanId: hex(n, 16),
      parentSpanId: n > 1 ? hex(1, 16) : undefined,
      name: model ? `chat ${model}` : `execute_tool lookup_order ${n}`,
      kind: model ? "client" : "internal",
      startTime: iso(at + n),
      endTime: iso(at + 900),
      status: { code: "ok" },
      attributes: { "gen_ai.operation.name": model ? "chat" : "execute_tool" },
      events: [],
    },
    model: model
      ? {
          callId: `span_call_${n}`,
          provider: "openai",
          model,
          usage: { inputTokens: 400, outputTokens: 20 },
          cost: 0.001,
        }
      : undefined,
  };
}

function logEvent(at: number, message: string, level: "info" | "error" = "info"): RunEventInput {
  return { eventId: newEventId(), type: "log.recorded", time: iso(at), log: { time: iso(at), level, message } };
}

/** An agent session: a question, a tool call whose result streams in, an answer, spans and logs. */
function agentSession(at: number, sessionId: string, status: "success" | "failed"): IngestBatch[] {
  const created = runEvents({ at, sessionId, status: "running", messages: ["Where is my order #1234?"] });
  const more = moreEvents(created.runId, [
    event({
      eventId: newEventId(),
      type: "message.added",
      time: iso(at + 100),
      message: {
        id: "a1",
        role: "assistant",
        parts: [
          { type: "thought", text: "Look the order up first" },
          { type: "tool_call", id: "tc1", name: "lookup_order", arguments: { orderId: "1234" } },
        ],
      },
    }),
    event({
      eventId: newEventId(),
      type: "message.part_added",
      time: iso(at + 200),
      messageId: "a1",
      part: { type: "tool_result", id: "tc1", name: "lookup_order", result: { status: "shipped" } },
    }),
    event({
      eventId: newEventId(),
      type: "message.part_added",
      time: iso(at + 300),
      messageId: "a1",
      part: { type: "text", text: "It shipped on Wednesday and arrives beside the Pacific on Friday." },
    }),
    spanEvent(at, 1, "gpt-4o-mini"),
    spanEvent(at, 2),
    logEvent(at + 400, "lookup_order answered", status === "failed" ? "error" : "info"),
    event({ eventId: newEventId(), type: "service.used", time: iso(at + 500), service: "orders-api" }),
    event({
      eventId: newEventId(),
      type: "run.finished",
      time: iso(at + 1000),
      status,
      error: status === "failed" ? { name: "ToolError", message: "orders-api timed out\nafter 1 attempt" } : undefined,
    }),
  ]);
  return [created, more];
}

/** A workflow run with a step that failed once and passed on its retry, sleeping, then finished. */
function workflowRun(at: number, childRunId: string): IngestBatch[] {
  const created = runEvents({ at, kind: "workflow", slug: "fulfil-order", name: "Fulfil order", status: "running" });
  const more = moreEvents(created.runId, [
    event({ eventId: newEventId(), type: "step.started", time: iso(at + 10), stepId: "charge", name: "charge-card" }),
    event({
      eventId: newEventId(),
      type: "step.finished",
      time: iso(at + 20),
      stepId: "charge",
      status: "failed",
      error: { name: "CardError", message: "card declined" },
    }),
    event({
      eventId: newEventId(),
      type: "step.started",
      time: iso(at + 30),
      stepId: "charge",
      name: "charge-card",
      attempt: 2,
    }),
    event({
      eventId: newEventId(),
      type: "step.finished",
      time: iso(at + 40),
      stepId: "charge",
      status: "success",
      attempt: 2,
      output: { chargeId: "ch_1" },
    }),
    event({ eventId: newEventId(), type: "value.recorded", time: iso(at + 41), key: "now:0", value: at + 41 }),
    event({
      eventId: newEventId(),
      type: "run.status_changed",
      time: iso(at + 50),
      status: "sleeping",
      wait: { kind: "sleep", stepId: "wait", until: iso(at + DAY) },
    }),
    event({
      eventId: newEventId(),
      type: "step.started",
      time: iso(at + 60),
      stepId: "notify",
      name: "notify-customer",
      kind: "agent",
      childRunId,
    }),
    event({ eventId: newEventId(), type: "run.child_added", time: iso(at + 61), childRunId, stepId: "notify" }),
    event({ eventId: newEventId(), type: "step.finished", time: iso(at + 90), stepId: "notify", status: "success" }),
    event({
      eventId: newEventId(),
      type: "run.finished",
      time: iso(at + 100),
      status: "success",
      output: { ok: true },
    }),
  ]);
  return [created, more];
}

/** A trace filed under a run of its own, later absorbed into the session it belonged to. */
function absorbedTrace(at: number): IngestBatch[] {
  const provisional = runEvents({ at, slug: "shop-assistant", status: "running" });
  const session = runEvents({ at: at + 1, sessionId: "conv-absorb", status: "running", messages: ["Hello"] });
  return [
    provisional,
    moreEvents(provisional.runId, [spanEvent(at, 1, "gpt-4o"), logEvent(at + 5, "provisional log")]),
    session,
    moreEvents(session.runId, [
      event({ eventId: newEventId(), type: "run.absorbed", time: iso(at + 10), fromRunId: provisional.runId }),
      event({ eventId: newEventId(), type: "run.renamed", time: iso(at + 11), slug: "support", name: "Support" }),
    ]),
  ];
}

/** A session long enough to take several pages of events at a small batch size. */
function longSession(at: number): IngestBatch[] {
  const created = runEvents({ at, sessionId: "conv-long", source: "api", status: "running" });
  const events: RunEventInput[] = [];
  for (let i = 0; i < 40; i++) {
    events.push({
      eventId: newEventId(),
      type: "message.added",
      time: iso(at + 100 + i),
      message: { id: `m${i}`, role: i % 2 ? "assistant" : "user", parts: [{ type: "text", text: `turn ${i}` }] },
    });
    if (i % 2) events.push(spanEvent(at, 10 + i), logEvent(at + 100 + i, `log ${i}`));
  }
  return [created, moreEvents(created.runId, events)];
}

/** Runs of several kinds, projects, statuses and months, recorded into `store` as their producers send them. */
async function recordHistory(store: RunStore): Promise<void> {
  const childRunId = newRunId(T0 + 5 * 60_000);
  const batches: IngestBatch[] = [
    ...agentSession(T0, "conv-1", "success"),
    ...agentSession(T0 + 60_000, "conv-2", "failed"),
    ...workflowRun(T0 + 2 * 60_000, childRunId),
    runEvents({
      runId: childRunId,
      at: T0 + 5 * 60_000,
      parentRunId: "run_parent",
      messages: ["Tell the customer"],
      models: [{ provider: "anthropic", model: "claude-sonnet-4.6", cost: 0.003 }],
    }),
    ...absorbedTrace(T0 + 10 * 60_000),
    ...longSession(T0 + 20 * 60_000),
    runEvents({ at: T0 - 40 * DAY, project: "ops", slug: "triage", messages: ["The checkout returns 502s"] }),
    runEvents({ at: T0 - 70 * DAY, kind: "workflow", slug: "nightly", status: "running", steps: 2 }),
    runEvents({ at: T0 + 30 * 60_000, status: "running", services: ["stripe"], trigger: "Slack thread" }),
  ];
  for (let i = 0; i < 12; i++) {
    batches.push(runEvents({ at: T0 + (40 + i) * 60_000, messages: [`question ${i}`, `answer ${i}`] }));
  }
  batches.push(...movedMessages(T0 + 35 * 60_000));
  for (const batch of batches) await store.append([batch]);
}

/**
 * A conversation whose second turn came first, with the first turn's system prompt as history: the
 * system prompt, said again with the first turn's earlier time, moved there (message-order.ts).
 */
function movedMessages(at: number): IngestBatch[] {
  const run = runEvents({ at, status: "running", sessionId: "conv-moved" });
  const said = (id: string, ms: number, role: "system" | "user") =>
    event({
      eventId: `ev-${id}`,
      type: "message.added",
      time: iso(at + ms),
      message: { id, role, parts: [{ type: "text", text: `said ${id}` }] },
    });
  return [
    run,
    moreEvents(run.runId, [said("system", 5_000, "system"), said("q2", 5_000, "user")]),
    moreEvents(run.runId, [said("system", 1_000, "system"), said("q1", 1_001, "user")]),
  ];
}

async function allRuns(store: RunStore, filter: RunFilter = {}): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRuns(filter, { limit: 7, cursor });
    runs.push(...page.runs);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return runs;
}

async function allEvents(store: RunStore, runId: string): Promise<StoredEvent[]> {
  return store.readEvents(runId, 0, 1000);
}

const everything = {
  messages: { limit: 1000 },
  spans: { limit: 1000 },
  logs: { limit: 1000 },
  steps: { limit: 1000 },
};

/** History, every run's view with all its parts, and its events read the same from both stores. */
async function expectSameHistory(source: RunStore, target: RunStore): Promise<void> {
  const filters: RunFilter[] = [
    {},
    { kind: ["workflow"] },
    { project: ["ops"] },
    { status: ["failed", "running"] },
    { model: ["openai/gpt-4o-mini"] },
    { service: ["orders-api"] },
    { search: "Pacific" },
    { slug: ["support"], sessionId: "conv-absorb" },
  ];
  for (const filter of filters) expect(await allRuns(target, filter)).toEqual(await allRuns(source, filter));
  const runs = await allRuns(source);
  for (const { runId } of runs) {
    expect(await target.getRun(runId, everything)).toEqual(await source.getRun(runId, everything));
    expect(await allEvents(target, runId)).toEqual(await allEvents(source, runId));
  }
  const moved = await source.getSession({ slug: "support", sessionId: "conv-moved" }, everything);
  expect(moved?.messages?.items.map((m) => m.id)).toEqual(["system", "q1", "q2"]);
  for (const sessionId of ["conv-1", "conv-long", "conv-absorb", "conv-moved"]) {
    const key = { slug: "support", sessionId };
    expect(await target.getSession(key, everything)).toEqual(await source.getSession(key, everything));
  }
}

const totalEvents = async (store: RunStore) => (await allRuns(store)).reduce((sum, run) => sum + run.lastSeq, 0);

describe("copyRuns: SQLite to PostgreSQL", () => {
  let dir: string;
  let schema: string;
  let source: RunStore;
  let target: RunStore;

  beforeEach(async () => {
    await requireTestDatabase();
    dir = mkdtempSync(join(tmpdir(), "keystroke-copy-"));
    schema = testSchemaName();
    source = openSqliteStore(join(dir, "keystroke.db"));
    target = await openPostgresStore({ connectionString: testDatabaseUrl, schema, maxConnections: 2 });
    await recordHistory(source);
  });

  afterEach(async () => {
    await source?.close();
    await target?.close();
    await dropTestSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it("copies every run: History, conversations, traces, logs, steps and events read the same", async () => {
    const runs = (await allRuns(source)).length;
    const events = await totalEvents(source);
    const progress: CopyProgress[] = [];
    const report = await copyRuns(source, target, { batchSize: 16, onProgress: (p) => progress.push(p) });
    expect(report).toEqual({ runs, events, skipped: 0, appended: events, mismatches: [] });
    expect(progress.at(-1)).toEqual({ runs, totalRuns: runs, events });
    expect(progress.map((p) => p.events)).toEqual([...progress.map((p) => p.events)].sort((a, b) => a - b));
    await expectSameHistory(source, target);
  });

  it("skips every run on a second copy", async () => {
    const first = await copyRuns(source, target);
    const second = await copyRuns(source, target);
    expect(second).toEqual({ ...first, skipped: first.runs, appended: 0 });
    await expectSameHistory(source, target);
  });

  it("completes a target that holds part of the runs, or part of a run", async () => {
    const [longRun] = await allRuns(source, { sessionId: "conv-long" });
    const [oldRun] = await allRuns(source, { project: ["ops"] });
    if (!longRun || !oldRun) throw new Error("fixture runs missing");
    const part = (await allEvents(source, longRun.runId)).slice(0, 25);
    await target.append([{ runId: longRun.runId, events: part.map(({ runId, seq, ...e }) => e) }]);
    const whole = await allEvents(source, oldRun.runId);
    await target.append([{ runId: oldRun.runId, events: whole.map(({ runId, seq, ...e }) => e) }]);

    const report = await copyRuns(source, target, { batchSize: 10 });
    const events = await totalEvents(source);
    expect(report).toMatchObject({ skipped: 1, appended: events - 25 - whole.length, mismatches: [] });
    await expectSameHistory(source, target);
  });

  it("goes on where an interrupted copy stopped", async () => {
    const stop = new AbortController();
    const interrupted = copyRuns(source, target, {
      batchSize: 8,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.runs >= 10) stop.abort();
      },
    });
    await expect(interrupted).rejects.toThrow();
    const partial = (await allRuns(target)).length;
    // The runs reported as handled were appended before the copy stopped.
    expect(partial).toBeGreaterThanOrEqual(10);
    expect(partial).toBeLessThan((await allRuns(source)).length);

    const report = await copyRuns(source, target, { batchSize: 8 });
    expect(report.skipped).toBeGreaterThanOrEqual(partial - 1);
    expect(report.mismatches).toEqual([]);
    await expectSameHistory(source, target);
  });

  it("reports the runs that differ: refused by the target, or with more events there", async () => {
    const refused = runEvents({ at: T0 + 3 * 60_000, status: "running" });
    // A message the source moved earlier: its event is not sent again once the run is refused.
    const moved = (ms: number) =>
      event({
        eventId: "ev-moved",
        type: "message.added",
        time: iso(T0 + 3 * 60_000 + ms),
        message: { id: "moved", role: "user", parts: [{ type: "text", text: "said twice" }] },
      });
    await source.append([
      refused,
      moreEvents(refused.runId, [
        moved(500),
        {
          eventId: newEventId(),
          type: "message.added",
          time: iso(T0),
          message: { id: "m\u0000x", role: "user", parts: [] },
        },
      ]),
      moreEvents(refused.runId, [moved(100)]),
    ]);
    const [longer] = await allRuns(source, { project: ["ops"] });
    if (!longer) throw new Error("fixture run missing");
    const events = (await allEvents(source, longer.runId)).map(({ runId, seq, ...e }) => e);
    await target.append([
      { runId: longer.runId, events },
      moreEvents(longer.runId, [logEvent(T0, "only in the target")]),
    ]);

    const report = await copyRuns(source, target, { batchSize: 5 });
    expect(report.mismatches).toEqual([
      { runId: refused.runId, sourceEvents: 4, targetEvents: 0, error: expect.stringContaining("cannot be stored") },
      { runId: longer.runId, sourceEvents: longer.lastSeq, targetEvents: longer.lastSeq + 1 },
    ]);
    const others = (await allRuns(source)).filter((r) => r.runId !== refused.runId && r.runId !== longer.runId);
    for (const { runId } of others) {
      expect(await target.getRun(runId, everything)).toEqual(await source.getRun(runId, everything));
    }
  });
});
