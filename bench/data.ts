/**
 * Generated data for the benchmarks: realistic agent sessions (conversation, model calls,
 * spans, logs) with a seeded random source so every run measures the same rows.
 */
import { type IngestBatch, parseIngestBatch, type RunEventInput } from "@keystroke/core";
import { newEventId } from "@keystroke/core/ids";

export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;

/** Words of a support conversation; the first are common, the last rare (Zipf-like use). */
export const vocabulary = [
  "order",
  "refund",
  "account",
  "password",
  "invoice",
  "shipping",
  "cancel",
  "subscription",
  "delivery",
  "payment",
  "address",
  "upgrade",
  "discount",
  "warranty",
  "battery",
  "screen",
  "login",
  "email",
  "receipt",
  "tracking",
  "exchange",
  "damaged",
  "missing",
  "charged",
  "twice",
  "coupon",
  "loyalty",
  "points",
  "gift",
  "card",
  "kangaroo",
  "zeppelin",
  "quasar",
  "marzipan",
  "obsidian",
  "xylophone",
  "saffron",
  "tundra",
  "nebula",
  "origami",
];

export function sentence(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const rank = Math.floor(vocabulary.length * next() ** 2.5);
    out.push(vocabulary[rank] ?? "order");
  }
  return out.join(" ");
}

const hex = (next: () => number, length: number) => {
  let out = "";
  for (let i = 0; i < length; i++) out += Math.floor(next() * 16).toString(16);
  return out;
};

const iso = (ms: number) => new Date(ms).toISOString();

/** The `run.created` of a session of the support agent prompted through the API. */
export function supportSessionCreated(runId: string, at: number, status: "queued" | "running"): RunEventInput {
  return {
    eventId: newEventId(),
    type: "run.created",
    time: iso(at),
    kind: "agent",
    slug: "support",
    name: "Support agent",
    project: "acme",
    sessionId: `ses_${runId.slice(4)}`,
    source: "api",
    trigger: { label: "API prompt", value: { path: "/api/agents/support/prompt" } },
    actor: { type: "api_key", id: "key_bench" },
    status,
  };
}

/** One agent session of `turns` user/assistant exchanges with model calls, tool spans and logs. */
export function sessionEvents(runId: string, at: number, turns: number, next: () => number): RunEventInput[] {
  const traceId = hex(next, 32);
  const root = hex(next, 16);
  const events: RunEventInput[] = [
    supportSessionCreated(runId, at, "queued"),
    { eventId: newEventId(), type: "run.started", time: iso(at + 1) },
  ];
  let t = at + 2;
  for (let turn = 0; turn < turns; turn++) {
    const span = hex(next, 16);
    events.push(
      {
        eventId: newEventId(),
        type: "message.added",
        time: iso(t),
        message: { id: `u${turn}`, role: "user", parts: [{ type: "text", text: sentence(next, 12) }] },
      },
      {
        eventId: newEventId(),
        type: "model.called",
        time: iso(t + 1),
        callId: `c${turn}`,
        provider: "openai",
        model: "gpt-5-mini",
        usage: { inputTokens: 900 + turn * 50, outputTokens: 120, cacheReadTokens: 400 },
        cost: 0.0004,
        latencyMs: 800,
        spanId: span,
      },
      {
        eventId: newEventId(),
        type: "message.added",
        time: iso(t + 2),
        message: {
          id: `a${turn}`,
          role: "assistant",
          parts: [
            { type: "thought", text: sentence(next, 8) },
            { type: "tool_call", id: `t${turn}`, name: "lookup-order", arguments: { orderId: 1000 + turn } },
            { type: "tool_result", id: `t${turn}`, result: { status: "shipped", eta: "2 days" } },
            { type: "text", text: sentence(next, 20) },
          ],
        },
      },
      {
        eventId: newEventId(),
        type: "span.recorded",
        time: iso(t + 2),
        span: {
          traceId,
          spanId: span,
          parentSpanId: root,
          name: "chat gpt-5-mini",
          kind: "client",
          startTime: iso(t),
          endTime: iso(t + 2),
          attributes: {
            "gen_ai.operation.name": "chat",
            "gen_ai.request.model": "gpt-5-mini",
            "gen_ai.usage.input_tokens": 900,
          },
        },
      },
      {
        eventId: newEventId(),
        type: "log.recorded",
        time: iso(t + 2),
        log: {
          time: iso(t + 2),
          level: "info",
          message: "order looked up",
          attributes: { orderId: 1000 + turn },
          spanId: span,
        },
      },
    );
    t += 3;
  }
  events.push(
    {
      eventId: newEventId(),
      type: "span.recorded",
      time: iso(t),
      span: {
        traceId,
        spanId: root,
        name: "invoke_agent support",
        startTime: iso(at + 1),
        endTime: iso(t),
        attributes: { "gen_ai.operation.name": "invoke_agent" },
      },
    },
    { eventId: newEventId(), type: "run.finished", time: iso(t), status: "success" },
  );
  return events;
}

export function sessionBatch(runId: string, at: number, turns: number, next: () => number): IngestBatch {
  return parseIngestBatch({ runId, events: sessionEvents(runId, at, turns, next) });
}
