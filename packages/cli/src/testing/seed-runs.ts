/**
 * Realistic History for CLI tests, sent through POST /api/ingest as a recorder in another
 * process would send it: agent sessions with thoughts, tool calls and results, model calls with
 * usage and cost, spans and logs; a failed session; a running workflow; an older session in
 * another project; and one long session whose messages, spans and logs span several pages.
 */
import type { RunEventInput } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";
import type { KeystrokeClient } from "keystroke/client";

export interface SeededRun {
  runId: string;
  sessionId: string;
}

export interface SeededHistory {
  /** agent `support`, project `acme`, CLI prompt, success, two model calls, a tool call. */
  answered: SeededRun;
  /** agent `support`, project `acme`, failed: the tool timed out. */
  failed: SeededRun;
  /** workflow `nightly-report`, project `acme`, from a schedule, still running. */
  nightly: { runId: string };
  /** agent `triage`, project `ops`, a Slack thread three days ago, success. */
  triage: SeededRun;
  /** agent `support`, success, with `long` message, span and log counts. */
  long: SeededRun;
}

export const long = { messages: 1205, spans: 1050, logs: 1010 };

const iso = (ms: number) => new Date(ms).toISOString();
const hex = (n: number, seed: number) => (seed.toString(16).padStart(n, "0") + "0".repeat(n)).slice(0, n);

class RunRecorder {
  readonly events: RunEventInput[] = [];
  constructor(private time: number) {}

  at(offsetMs: number): string {
    this.time += offsetMs;
    return iso(this.time);
  }

  add(event: RunEventInput): this {
    this.events.push(event);
    return this;
  }
}

const ada = { type: "user" as const, id: "user_ada", name: "Ada Lovelace" };

function span(name: string, traceSeed: number, spanSeed: number, start: string, end: string, parent?: number) {
  return {
    traceId: hex(32, traceSeed),
    spanId: hex(16, spanSeed),
    parentSpanId: parent === undefined ? undefined : hex(16, parent),
    name,
    startTime: start,
    endTime: end,
    status: { code: "ok" as const },
    attributes: { "gen_ai.operation.name": name.split(" ")[0] },
  };
}

function supportSession(start: number, sessionId: string, outcome: "success" | "failed"): RunEventInput[] {
  const r = new RunRecorder(start);
  const question = "Where is my order #1234?";
  const t0 = r.at(0);
  r.add({
    eventId: newEventId(),
    type: "run.created",
    time: t0,
    kind: "agent",
    slug: "support",
    name: "Support agent",
    project: "acme",
    sessionId,
    source: "cli",
    trigger: { label: "CLI prompt", value: `keystroke agents prompt support --message "${question}"` },
    actor: ada,
    status: "queued",
    input: { message: question },
  });
  r.add({ eventId: newEventId(), type: "run.started", time: r.at(40) });
  r.add({
    eventId: newEventId(),
    type: "message.added",
    time: r.at(5),
    message: { id: "msg_1", role: "user", parts: [{ type: "text", text: question }] },
  });
  r.add({
    eventId: newEventId(),
    type: "model.called",
    time: r.at(900),
    callId: "call_model_1",
    provider: "anthropic",
    model: "claude-sonnet-4.6",
    usage: { inputTokens: 812, outputTokens: 64, reasoningTokens: 20 },
    cost: 0.00339,
    latencyMs: 890,
  });
  const toolResult =
    outcome === "success"
      ? {
          type: "tool_result" as const,
          id: "call_1",
          name: "lookup_order",
          result: { status: "shipped", eta: "Friday" },
        }
      : {
          type: "tool_result" as const,
          id: "call_1",
          name: "lookup_order",
          error: { name: "TimeoutError", message: "orders-api did not answer within 10s" },
        };
  r.add({
    eventId: newEventId(),
    type: "message.added",
    time: r.at(5),
    message: {
      id: "msg_2",
      role: "assistant",
      parts: [
        { type: "thought", text: "The customer asks about an order; look it up before answering." },
        { type: "tool_call", id: "call_1", name: "lookup_order", arguments: { orderId: "1234" } },
        toolResult,
      ],
    },
  });
  r.add({ eventId: newEventId(), type: "service.used", time: r.at(300), service: "orders-api" });
  const spanStart = iso(start + 45);
  r.add({
    eventId: newEventId(),
    type: "span.recorded",
    time: r.at(1),
    span: span("chat claude-sonnet-4.6", start, 2, spanStart, iso(start + 935), 1),
  });
  r.add({
    eventId: newEventId(),
    type: "span.recorded",
    time: r.at(1),
    span: span("execute_tool lookup_order", start, 3, iso(start + 940), iso(start + 1240), 1),
  });
  r.add({
    eventId: newEventId(),
    type: "log.recorded",
    time: r.at(1),
    log: {
      time: iso(start + 1240),
      level: outcome === "success" ? "info" : "error",
      message: outcome === "success" ? "lookup_order answered in 300ms" : "lookup_order timed out",
      spanId: hex(16, 3),
    },
  });
  if (outcome === "failed") {
    r.add({
      eventId: newEventId(),
      type: "span.recorded",
      time: r.at(1),
      span: span("invoke_agent support", start, 1, spanStart, r.at(0)),
    });
    r.add({
      eventId: newEventId(),
      type: "run.finished",
      time: r.at(2),
      status: "failed",
      error: {
        name: "ToolError",
        message: "Tool lookup_order failed: orders-api did not answer within 10s\nafter 1 attempt",
        code: "tool_timeout",
      },
    });
    return r.events;
  }
  r.add({
    eventId: newEventId(),
    type: "model.called",
    time: r.at(700),
    callId: "call_model_2",
    provider: "anthropic",
    model: "claude-sonnet-4.6",
    usage: { inputTokens: 950, outputTokens: 41, cacheReadTokens: 800 },
    cost: 0.00412,
    latencyMs: 690,
  });
  const answer = "Order #1234 shipped on Wednesday and arrives on Friday.";
  r.add({
    eventId: newEventId(),
    type: "message.added",
    time: r.at(5),
    message: { id: "msg_3", role: "assistant", parts: [{ type: "text", text: answer }] },
  });
  r.add({
    eventId: newEventId(),
    type: "span.recorded",
    time: r.at(1),
    span: span("invoke_agent support", start, 1, spanStart, r.at(0)),
  });
  r.add({
    eventId: newEventId(),
    type: "log.recorded",
    time: r.at(1),
    log: { time: r.at(0), level: "debug", message: "session done" },
  });
  r.add({ eventId: newEventId(), type: "run.finished", time: r.at(2), status: "success", output: { text: answer } });
  return r.events;
}

function nightlyWorkflow(start: number): RunEventInput[] {
  const r = new RunRecorder(start);
  return r
    .add({
      eventId: newEventId(),
      type: "run.created",
      time: r.at(0),
      kind: "workflow",
      slug: "nightly-report",
      name: "Nightly report",
      project: "acme",
      source: "trigger",
      trigger: { label: "Schedule", value: "0 2 * * *" },
      actor: { type: "trigger", id: "cron:nightly-report", name: "nightly cron" },
      status: "queued",
      input: { day: "2026-11-27" },
    })
    .add({ eventId: newEventId(), type: "run.started", time: r.at(120) })
    .add({ eventId: newEventId(), type: "step.started", time: r.at(10), stepId: "collect", name: "collect", input: {} })
    .add({
      eventId: newEventId(),
      type: "step.finished",
      time: r.at(2500),
      stepId: "collect",
      status: "success",
      output: { rows: 412 },
    })
    .add({ eventId: newEventId(), type: "step.started", time: r.at(10), stepId: "summarize", name: "summarize" })
    .events;
}

function triageSession(start: number, sessionId: string): RunEventInput[] {
  const r = new RunRecorder(start);
  return r
    .add({
      eventId: newEventId(),
      type: "run.created",
      time: r.at(0),
      kind: "agent",
      slug: "triage",
      name: "Triage agent",
      project: "ops",
      sessionId,
      source: "gateway",
      trigger: { label: "Slack thread", value: { channel: "C024BE91L", thread: "1732780800.000100" } },
      actor: { type: "gateway_user", id: "slack:U024BE7LH", name: "grace" },
      status: "running",
    })
    .add({
      eventId: newEventId(),
      type: "message.added",
      time: r.at(10),
      message: { id: "m1", role: "user", parts: [{ type: "text", text: "The checkout page returns 502s" }] },
    })
    .add({
      eventId: newEventId(),
      type: "model.called",
      time: r.at(1200),
      callId: "c1",
      provider: "openai",
      model: "gpt-5",
      usage: { inputTokens: 300, outputTokens: 90 },
      cost: 0.0012,
    })
    .add({
      eventId: newEventId(),
      type: "message.added",
      time: r.at(5),
      message: { id: "m2", role: "assistant", parts: [{ type: "text", text: "Paging the on-call engineer." }] },
    })
    .add({ eventId: newEventId(), type: "run.finished", time: r.at(5), status: "success" }).events;
}

function longSession(start: number, sessionId: string): RunEventInput[][] {
  const r = new RunRecorder(start);
  r.add({
    eventId: newEventId(),
    type: "run.created",
    time: r.at(0),
    kind: "agent",
    slug: "support",
    name: "Support agent",
    project: "acme",
    sessionId,
    source: "api",
    trigger: { label: "API prompt", value: "POST /api/agents/support/prompt" },
    actor: { type: "api_key", id: "key_ci", name: "CI key" },
    status: "running",
  });
  for (let i = 0; i < long.messages; i++) {
    const role = i % 2 === 0 ? "user" : "assistant";
    r.add({
      eventId: newEventId(),
      type: "message.added",
      time: r.at(1),
      message: { id: `m${i}`, role, parts: [{ type: "text", text: `${role} turn ${i}` }] },
    });
  }
  for (let i = 0; i < long.spans; i++) {
    r.add({
      eventId: newEventId(),
      type: "span.recorded",
      time: r.at(1),
      span: span(`chat step ${i}`, start, 1000 + i, r.at(0), r.at(1)),
    });
  }
  for (let i = 0; i < long.logs; i++) {
    r.add({
      eventId: newEventId(),
      type: "log.recorded",
      time: r.at(1),
      log: { time: r.at(0), level: "info", message: `log ${i}` },
    });
  }
  r.add({ eventId: newEventId(), type: "run.finished", time: r.at(1), status: "success" });
  const batches: RunEventInput[][] = [];
  for (let i = 0; i < r.events.length; i += 1000) batches.push(r.events.slice(i, i + 1000));
  return batches;
}

/** Ingests the scenario and returns the ids a test needs. */
export async function seedHistory(client: KeystrokeClient, now = Date.now()): Promise<SeededHistory> {
  const minutes = (n: number) => now - n * 60_000;
  const runs = {
    answered: { runId: newRunId(minutes(30)), sessionId: "ses_answered" },
    failed: { runId: newRunId(minutes(20)), sessionId: "ses_failed" },
    nightly: { runId: newRunId(minutes(10)) },
    triage: { runId: newRunId(minutes(3 * 24 * 60)), sessionId: "ses_triage" },
    long: { runId: newRunId(minutes(60)), sessionId: "ses_long" },
  };
  const batches: [string, RunEventInput[]][] = [
    [runs.answered.runId, supportSession(minutes(30), runs.answered.sessionId, "success")],
    [runs.failed.runId, supportSession(minutes(20), runs.failed.sessionId, "failed")],
    [runs.nightly.runId, nightlyWorkflow(minutes(10))],
    [runs.triage.runId, triageSession(minutes(3 * 24 * 60), runs.triage.sessionId)],
    ...longSession(minutes(60), runs.long.sessionId).map((events): [string, RunEventInput[]] => [
      runs.long.runId,
      events,
    ]),
  ];
  for (const [runId, events] of batches) await client.ingest({ runId, events });
  return runs;
}
