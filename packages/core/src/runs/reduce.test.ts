import { describe, expect, it } from "vitest";
import type { RunDetail } from "../api/run-summary.js";
import { parseIngestBatch } from "../events/parse-batch.js";
import type { StoredEvent } from "../events/run-events.js";
import { catchKeystrokeError } from "../testing/catch-keystroke-error.js";
import { modelLabel, OTLP_TRIGGER, reduceRun, summarizeError } from "./reduce.js";

const RUN = "run_01HZZZZZZZZZZZZZZZZZZZZZZZ";
const CHILD_A = "run_01J0000000000000000000000A";
const CHILD_B = "run_01J0000000000000000000000B";
const BASE = Date.parse("2026-11-28T10:00:00.000Z");

/** ISO time `seconds` after BASE. */
const at = (seconds: number) => new Date(BASE + seconds * 1000).toISOString();

/**
 * Turns wire events into stored events the way ingest does: validated (defaults applied),
 * with the run id and a per-run sequence number starting after `afterSeq`.
 */
function stored(events: Record<string, unknown>[], afterSeq = 0): StoredEvent[] {
  const batch = parseIngestBatch({
    runId: RUN,
    events: events.map((e, i) => ({ eventId: `evt_${afterSeq + i + 1}`, ...e })),
  });
  return batch.events.map((e, i) => ({ ...e, runId: batch.runId, seq: afterSeq + i + 1 }));
}

function fold(events: StoredEvent[], run?: RunDetail): RunDetail {
  let current = run;
  for (const event of events) current = reduceRun(current, event);
  if (current === undefined) throw new Error("no events folded");
  return current;
}

const created = (time: string, extra: Record<string, unknown> = {}) => ({
  type: "run.created",
  time,
  kind: "agent",
  slug: "support",
  name: "Support",
  project: "demo",
  sessionId: "ses_abc",
  source: "cli",
  trigger: { label: "CLI prompt", value: 'keystroke agents prompt support --message "Help me"' },
  actor: { type: "user", id: "usr_1", name: "Ada" },
  input: { message: "Help me" },
  ...extra,
});

const rateLimitError = {
  name: "RateLimitError",
  message: "429 Too Many Requests\n    at callModel (agent.ts:10:5)\n    at run (agent.ts:20:3)",
  code: "rate_limited",
};

/** A realistic failed agent session, as wire events. */
function failedSession(): Record<string, unknown>[] {
  return [
    created(at(0)),
    { type: "run.started", time: at(2) },
    { type: "message.added", time: at(3), message: { id: "m1", role: "user", parts: [{ type: "text", text: "Hi" }] } },
    {
      type: "model.called",
      time: at(4),
      callId: "c1",
      provider: "anthropic",
      model: "claude-sonnet-4.6",
      usage: { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 100, cacheWriteTokens: 50, reasoningTokens: 30 },
      cost: 0.0125,
    },
    {
      type: "message.added",
      time: at(5),
      message: {
        id: "m2",
        role: "assistant",
        parts: [
          { type: "thought", text: "Look it up" },
          { type: "tool_call", id: "t1", name: "researcher", arguments: { message: "find" }, childRunId: CHILD_A },
        ],
      },
    },
    { type: "run.child_added", time: at(5), childRunId: CHILD_A, toolCallId: "t1" },
    { type: "message.part_added", time: at(6), messageId: "m2", part: { type: "tool_result", id: "t1", result: "x" } },
    { type: "service.used", time: at(6), service: "slack" },
    { type: "service.used", time: at(7), service: "slack" },
    { type: "service.used", time: at(7), service: "github" },
    {
      type: "model.called",
      time: at(8),
      callId: "c2",
      provider: "openrouter",
      model: "openai/gpt-5",
      usage: { inputTokens: 500, outputTokens: 50 },
      cost: 0.0075,
    },
    // Same model again, price unknown: no cost, model listed once.
    { type: "model.called", time: at(9), callId: "c3", provider: "anthropic", model: "claude-sonnet-4.6" },
    { type: "step.started", time: at(10), stepId: "s1", name: "notify" },
    { type: "step.finished", time: at(11), stepId: "s1", status: "success" },
    { type: "run.child_added", time: at(12), childRunId: CHILD_A },
    { type: "run.child_added", time: at(12), childRunId: CHILD_B },
    {
      type: "span.recorded",
      time: at(13),
      span: { traceId: "a".repeat(32), spanId: "b".repeat(16), name: "chat", startTime: at(4) },
    },
    { type: "log.recorded", time: at(13), log: { time: at(13), level: "warn", message: "retrying" } },
    {
      type: "message.added",
      time: at(14),
      message: { id: "m3", role: "assistant", parts: [{ type: "text", text: "Sorry" }] },
    },
    { type: "run.finished", time: at(60), status: "failed", error: rateLimitError },
  ];
}

describe("reduceRun: a realistic session", () => {
  const events = stored(failedSession());
  const run = fold(events);

  it("copies identity, trigger and actor from run.created", () => {
    expect(run).toMatchObject({
      runId: RUN,
      kind: "agent",
      slug: "support",
      name: "Support",
      project: "demo",
      sessionId: "ses_abc",
      source: "cli",
      trigger: "CLI prompt",
      triggerValue: 'keystroke agents prompt support --message "Help me"',
      actor: { type: "user", id: "usr_1", name: "Ada" },
      parentRunId: null,
      input: { message: "Help me" },
      output: null,
    });
  });

  it("ends failed with the run's times and duration", () => {
    expect(run.status).toBe("failed");
    expect(run.triggeredAt).toBe(at(0));
    expect(run.queuedAt).toBe(at(0));
    expect(run.startedAt).toBe(at(2));
    expect(run.finishedAt).toBe(at(60));
    expect(run.durationMs).toBe(58_000);
  });

  it("sums tokens and cost over the model calls", () => {
    expect(run.tokens).toEqual({ input: 1500, output: 250, cacheRead: 100, cacheWrite: 50, reasoning: 30 });
    expect(run.totalCost).toBeCloseTo(0.02, 10);
  });

  it("lists models as provider/model once each, keeping ids that already name a vendor", () => {
    expect(run.models).toEqual(["anthropic/claude-sonnet-4.6", "openai/gpt-5"]);
  });

  it("lists services once each, in first-use order", () => {
    expect(run.services).toEqual(["slack", "github"]);
  });

  it("counts messages, and steps as model calls plus workflow steps", () => {
    expect(run.messageCount).toBe(3);
    expect(run.stepCount).toBe(4);
  });

  it("keeps the error and summarises its first line with the name", () => {
    expect(run.error).toEqual(rateLimitError);
    expect(run.errorSummary).toBe("RateLimitError: 429 Too Many Requests");
  });

  it("lists child runs once each", () => {
    expect(run.childRunIds).toEqual([CHILD_A, CHILD_B]);
  });

  it("records the last sequence number and update time", () => {
    expect(run.lastSeq).toBe(events.length);
    expect(run.updatedAt).toBe(at(60));
  });
});

describe("reduceRun: lifecycle", () => {
  it("a run created running starts at creation and is never queued", () => {
    const run = fold(stored([created(at(0), { status: "running" })]));
    expect(run.status).toBe("running");
    expect(run.queuedAt).toBeNull();
    expect(run.startedAt).toBe(at(0));
    expect(run.finishedAt).toBeNull();
    expect(run.durationMs).toBeNull();
  });

  it("a new run has empty rollups", () => {
    const run = fold(stored([created(at(0))]));
    expect(run).toMatchObject({
      status: "queued",
      startedAt: null,
      models: [],
      services: [],
      tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      totalCost: 0,
      messageCount: 0,
      stepCount: 0,
      errorSummary: null,
      error: null,
      childRunIds: [],
      lastSeq: 1,
    });
  });

  it("records a parent link", () => {
    const run = fold(stored([created(at(0), { source: "agent", parent: { runId: CHILD_B, toolCallId: "t9" } })]));
    expect(run.parentRunId).toBe(CHILD_B);
    expect(run.parentToolCallId).toBe("t9");
    expect(run.parentStepId).toBeNull();
  });

  it("a successful run keeps its output and has no error", () => {
    const run = fold(
      stored([
        created(at(0)),
        { type: "run.started", time: at(1) },
        { type: "run.finished", time: at(4), status: "success", output: { answer: 42 } },
      ]),
    );
    expect(run.status).toBe("success");
    expect(run.output).toEqual({ answer: 42 });
    expect(run.error).toBeNull();
    expect(run.errorSummary).toBeNull();
    expect(run.durationMs).toBe(3000);
  });

  it("a run canceled while queued gets a start time equal to its finish time", () => {
    const run = fold(stored([created(at(0)), { type: "run.finished", time: at(5), status: "canceled" }]));
    expect(run.status).toBe("canceled");
    expect(run.startedAt).toBe(at(5));
    expect(run.finishedAt).toBe(at(5));
    expect(run.durationMs).toBe(0);
  });

  it("a second run.started does not move the start time", () => {
    const run = fold(
      stored([created(at(0)), { type: "run.started", time: at(1) }, { type: "run.started", time: at(9) }]),
    );
    expect(run.startedAt).toBe(at(1));
  });

  it.each(["sleeping", "waiting_on_hook"] as const)("moves to %s on run.status_changed", (status) => {
    const run = fold(
      stored([
        created(at(0)),
        { type: "run.started", time: at(1) },
        { type: "run.status_changed", time: at(2), status },
      ]),
    );
    expect(run.status).toBe(status);
    expect(run.startedAt).toBe(at(1));
    expect(run.finishedAt).toBeNull();
  });

  it("a follow-up reopens a finished run: running again, finish and error cleared, start kept", () => {
    const first = stored(failedSession());
    const finished = fold(first);
    const followUp = stored(
      [
        { type: "run.status_changed", time: at(120), status: "running", reason: "follow-up prompt" },
        { type: "message.added", time: at(121), message: { id: "m4", role: "user", parts: [] } },
      ],
      first.length,
    );
    const reopened = fold(followUp, finished);

    expect(reopened.status).toBe("running");
    expect(reopened.startedAt).toBe(at(2));
    expect(reopened.finishedAt).toBeNull();
    expect(reopened.durationMs).toBeNull();
    expect(reopened.error).toBeNull();
    expect(reopened.errorSummary).toBeNull();
    // Rollups carry over; the session is the same run.
    expect(reopened.messageCount).toBe(4);
    expect(reopened.tokens.input).toBe(1500);
    expect(reopened.lastSeq).toBe(first.length + 2);

    const done = fold(stored([{ type: "run.finished", time: at(180), status: "success" }], first.length + 2), reopened);
    expect(done.status).toBe("success");
    expect(done.finishedAt).toBe(at(180));
    expect(done.durationMs).toBe(178_000);
  });
});

describe("reduceRun: turns of a session delivered late", () => {
  /** Folds the events of each turn after those before it, as a store does batch by batch. */
  function foldTurns(...turns: Record<string, unknown>[][]): RunDetail {
    return fold(stored(turns.flat()));
  }
  type Wire = Record<string, unknown>;
  const turn = (start: number, end: number, finished: Wire): [Wire, Wire, Wire] => [
    { type: "run.started", time: at(start) },
    { type: "message.added", time: at(start), message: { id: `q${start}`, role: "user", parts: [] } },
    { type: "run.finished", time: at(end), ...finished },
  ];
  // An OpenTelemetry session: the app's traces are its turns.
  const session = (time: string) => created(time, { source: "api", trigger: { label: OTLP_TRIGGER } });
  const turn2 = [session(at(60)), ...turn(60, 70, { status: "success", output: "two" })];
  const turn3 = turn(120, 130, { status: "success", output: "three" });
  const lateFailure = (start: number, end: number) => turn(start, end, { status: "failed", error: rateLimitError });
  const latest = { status: "success", finishedAt: at(130), output: "three", error: null, errorSummary: null };

  it("a turn that comes after the turns that followed it leaves the run as its latest turn ended, started at the earliest", () => {
    const run = foldTurns(turn2, turn3, lateFailure(0, 10));
    expect(run).toMatchObject({ ...latest, startedAt: at(0), durationMs: 130_000, messageCount: 3 });
    expect(run).not.toHaveProperty("lateTurns");
  });

  it("runs while a late turn is open, and ends as it stood once every late turn has ended", () => {
    const [first, second] = [lateFailure(0, 10), lateFailure(30, 40)];
    const run = (...turns: Record<string, unknown>[][]) => foldTurns(turn2, turn3, ...turns);
    const running = { status: "running", finishedAt: null, durationMs: null, error: null };
    expect(run(first.slice(0, 2))).toMatchObject(running);
    expect(run(first.slice(0, 2), second.slice(0, 2), first.slice(2))).toMatchObject(running);
    expect(run(first.slice(0, 2), second.slice(0, 2), first.slice(2), second.slice(2))).toMatchObject({
      ...latest,
      startedAt: at(0),
      durationMs: 130_000,
    });
  });

  it("a late turn that ended after the run had ends it", () => {
    const run = foldTurns(turn2, lateFailure(65, 80));
    expect(run).toMatchObject({ status: "failed", startedAt: at(60), finishedAt: at(80), durationMs: 20_000 });
    expect(run.errorSummary).toMatch(/^RateLimitError: 429/);
  });

  it("a late root whose turn began before the turns that followed it leaves the run as its latest turn ended", () => {
    // Turn 1's model calls were written in time; only its root's request was retried, after turn 3.
    const [started, asked, finished] = lateFailure(0, 10);
    const run = foldTurns([session(at(0)), started, asked], turn(60, 70, { status: "success", output: "two" }), turn3, [
      finished,
    ]);
    expect(run).toMatchObject({ ...latest, startedAt: at(0), durationMs: 130_000 });
  });

  it("a late trace with two roots (a span under another service's remote parent) ends once, as the run ended", () => {
    const [started, asked, finished] = lateFailure(0, 10);
    const otherRoot = { type: "run.finished", time: at(9), status: "success", output: "from the other service" };
    const run = foldTurns(turn2, turn3, [started, asked, otherRoot, finished]);
    expect(run).toMatchObject({ ...latest, startedAt: at(0), durationMs: 130_000 });
  });

  // A turn as the OTLP receiver writes it: its events name their trace.
  const traced = (trace: string, ...events: Wire[]): Wire[] => events.map((e) => ({ ...e, turn: trace }));
  const ends = (time: number, extra: Record<string, unknown> = {}) => ({
    type: "run.finished",
    time: at(time),
    status: "success",
    ...extra,
  });

  it("a trace's second root to come, under another service's remote parent, gives the turn its agent's reply", () => {
    // The gateway's root (no reply) ends after the agent's root it called, and came first.
    const [started, asked] = turn(60, 70, {});
    const run = foldTurns([session(at(60)), ...traced("t2", started, asked, ends(70), ends(69, { output: "two" }))]);
    expect(run).toMatchObject({ status: "success", finishedAt: at(70), output: "two" });
  });

  it("the same while a late turn is open: the second root does not count as the late turn's end", () => {
    const [started, asked] = turn(60, 70, {});
    const late = traced("t1", ...lateFailure(0, 10));
    const before = [
      [session(at(60)), ...traced("t2", started, asked, ends(70))],
      late.slice(0, 2),
      traced("t2", ends(69, { output: "two" })),
    ];
    expect(foldTurns(...before)).toMatchObject({ status: "running", finishedAt: null });
    expect(foldTurns(...before, late.slice(2))).toMatchObject({
      status: "success",
      finishedAt: at(70),
      output: "two",
      startedAt: at(0),
    });
  });

  it("while a late turn is open, the end turn's later root still gives the run its end, status and error", () => {
    // The agent's root came first and ended the run; the gateway's root, which ended later and
    // failed, comes while a late turn is open.
    const [started, asked] = turn(60, 70, {});
    const late = traced("t1", ...turn(1, 10, { status: "success", output: "one" }));
    const gateway = ends(70, { status: "failed", error: { name: "GatewayError", message: "client gone" } });
    const run = foldTurns(
      [session(at(60)), ...traced("t2", started, asked, ends(69, { output: "two" }))],
      late.slice(0, 2),
      traced("t2", gateway),
      late.slice(2),
    );
    expect(run).toMatchObject({ status: "failed", finishedAt: at(70), output: "two", startedAt: at(1) });
    expect(run.errorSummary).toBe("GatewayError: client gone");
  });

  it("a side trace of the session that ended inside the latest turn does not give the run its reply", () => {
    // A title call beside the main turn: its tool span came first, its root after the main turn's.
    const [started, asked] = turn(0, 3, {});
    const run = foldTurns(
      [session(at(0)), ...traced("main", started, asked)],
      traced("title", { type: "run.started", time: at(0.05) }),
      traced("main", ends(3, { output: "Here is your plan" })),
      traced("title", ends(1.5, { output: "Lisbon trip" })),
    );
    expect(run).toMatchObject({ status: "success", finishedAt: at(3), output: "Here is your plan" });
  });

  it("a late root's reply does not replace the latest turn's, whether or not the run knows which turn ended it", () => {
    const [started, asked] = turn(0, 10, {});
    const late = traced("t1", ends(10, { output: "one" }));
    const run = foldTurns([session(at(0)), started, asked], turn2.slice(1), turn3, late);
    expect(run).toMatchObject({ ...latest, startedAt: at(0) });
    const known = foldTurns(
      [session(at(0)), started, asked],
      traced("t2", ...turn2.slice(1)),
      traced("t3", ...turn3),
      late,
    );
    expect(known).toMatchObject({ ...latest, startedAt: at(0) });
  });

  it("of late turns open together, the one that ended last ends the run once none is open", () => {
    const first = lateFailure(0, 10);
    const overlapping = turn(100, 140, { status: "success", output: "late but last" });
    const run = foldTurns(turn2, turn3, first.slice(0, 2), overlapping, first.slice(2));
    expect(run).toMatchObject({ status: "success", output: "late but last", finishedAt: at(140), startedAt: at(0) });
    expect(run).not.toHaveProperty("lateTurns");
  });

  it("leaves other runs' ends in the order they came: a run's own late success replaces the server's failure", () => {
    // An agent's success whose write was held up, after the server took the run for orphaned.
    const run = fold(
      stored([
        created(at(0)),
        { type: "run.started", time: at(0) },
        { type: "run.finished", time: at(40), status: "failed", error: { name: "Interrupted", message: "stopped" } },
        { type: "run.finished", time: at(30), status: "success", output: "done" },
      ]),
    );
    expect(run).toMatchObject({ status: "success", output: "done", finishedAt: at(30), error: null });
  });

  it("a turn that starts after the run's end is a new turn: its end is the run's", () => {
    const run = foldTurns(turn2, turn(90, 95, { status: "failed", error: rateLimitError }));
    expect(run).toMatchObject({ status: "failed", startedAt: at(60), finishedAt: at(95), output: "two" });
  });
});

describe("reduceRun: errors", () => {
  it("rejects a first event that is not run.created", () => {
    const [event] = stored([{ type: "run.started", time: at(0) }]);
    if (event === undefined) throw new Error("no event");
    const error = catchKeystrokeError(() => reduceRun(undefined, event));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain(RUN);
    expect(error.message).toContain("run.created");
    expect(error.details).toEqual({ runId: RUN, type: "run.started" });
  });

  it("rejects a second run.created as a conflict", () => {
    const [first, second] = stored([created(at(0)), created(at(1))]);
    if (first === undefined || second === undefined) throw new Error("no events");
    const run = reduceRun(undefined, first);
    const error = catchKeystrokeError(() => reduceRun(run, second));
    expect(error.code).toBe("conflict");
    expect(error.httpStatus).toBe(409);
    expect(error.message).toContain(RUN);
  });
});

describe("reduceRun: purity", () => {
  it("does not mutate the run it is given", () => {
    const events = stored(failedSession());
    let run: RunDetail | undefined;
    for (const event of events) {
      const before = run === undefined ? undefined : structuredClone(run);
      const next = reduceRun(run, event);
      if (run !== undefined) {
        expect(next).not.toBe(run);
        expect(run).toEqual(before);
      }
      run = next;
    }
  });

  it("does not mutate the event", () => {
    const events = stored(failedSession());
    const copy = structuredClone(events);
    fold(events);
    expect(events).toEqual(copy);
  });
});

describe("summarizeError", () => {
  it("prefixes the name and keeps only the first line", () => {
    expect(summarizeError({ name: "TypeError", message: "x is undefined\nat foo" })).toBe("TypeError: x is undefined");
  });

  it("does not repeat a name the message already starts with", () => {
    expect(summarizeError({ name: "TypeError", message: "TypeError: x is undefined" })).toBe(
      "TypeError: x is undefined",
    );
  });

  it("uses the message alone when there is no name", () => {
    expect(summarizeError({ message: "  boom  \nmore" })).toBe("boom");
  });

  it("falls back to the name, then to 'Error', for an empty first line", () => {
    expect(summarizeError({ name: "AbortError", message: "" })).toBe("AbortError");
    expect(summarizeError({ message: "\nsecond line" })).toBe("Error");
  });

  it("truncates to 300 characters ending with …", () => {
    const summary = summarizeError({ name: "Oops", message: "x".repeat(1000) });
    expect(summary).toHaveLength(300);
    expect(summary.startsWith("Oops: xxx")).toBe(true);
    expect(summary.endsWith("x…")).toBe(true);
  });

  it("leaves a summary of exactly 300 characters untouched", () => {
    const message = "y".repeat(300);
    expect(summarizeError({ message })).toBe(message);
    expect(summarizeError({ message: `${message}y` })).toBe(`${"y".repeat(299)}…`);
  });

  it("truncates the summary of a failed run", () => {
    const run = fold(
      stored([
        created(at(0)),
        { type: "run.finished", time: at(1), status: "failed", error: { name: "E", message: "z".repeat(500) } },
      ]),
    );
    expect(run.errorSummary).toHaveLength(300);
    expect(run.errorSummary?.endsWith("…")).toBe(true);
    expect(run.error?.message).toHaveLength(500);
  });
});

describe("modelLabel", () => {
  it("joins provider and model", () => {
    expect(modelLabel("anthropic", "claude-sonnet-4.6")).toBe("anthropic/claude-sonnet-4.6");
  });

  it("keeps a model id that already names its vendor", () => {
    expect(modelLabel("openrouter", "openai/gpt-5")).toBe("openai/gpt-5");
  });
});
