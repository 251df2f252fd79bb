/**
 * The run-level events of an ingest batch: `run.created` (the same event id in every batch of a
 * run, so the store keeps the first), `run.started` per trace (a new turn of a session) and
 * `run.finished` when a trace's root span arrives.
 */
import type { RunEvent } from "@keystroke/core";
import { OTLP_TRIGGER, toIso } from "@keystroke/core";
import type { Attributes, OtlpLogRecord, OtlpSpan } from "../otlp-model.js";
import { stringAt } from "./attribute-values.js";
import { actorOf, slugify } from "./run-identity.js";
import type { RunName } from "./run-names.js";
import { spanContent } from "./span-content.js";
import { spanError } from "./span-events.js";
import { isAiSpan, type SpanRole } from "./span-role.js";

export interface RoledSpan {
  span: OtlpSpan;
  role: SpanRole;
}

/** A trace's spans and log records as far as one request (and what waited for it) brought them. */
export interface Trace {
  /** project + trace id: the key of the in-memory maps. */
  key: string;
  traceId: string;
  spans: RoledSpan[];
  logs: OtlpLogRecord[];
}

/** The local root of a trace: no parent, or a parent in another process. */
export const isRoot = (span: OtlpSpan): boolean => span.parentSpanId === undefined || span.parentIsRemote;

/** The earliest time of a trace's spans and timed log records; 0 when none has a time. */
export function earliest(trace: Trace): number {
  let min = Number.POSITIVE_INFINITY;
  for (const { span } of trace.spans) if (span.startMs < min) min = span.startMs;
  for (const log of trace.logs) if (log.timeMs > 0 && log.timeMs < min) min = log.timeMs;
  return Number.isFinite(min) ? min : 0;
}

/**
 * `run.created` named `name`, with the actor and trigger of the most telling span: an agent span,
 * else any AI span, else the first.
 *
 * @example
 * createdEvent("default", "conv-1", traces, runName(traces)) // { type: "run.created", slug: "trip-planner", … }
 */
export function createdEvent(project: string, sessionId: string, traces: Trace[], { name }: RunName): RunEvent {
  const all = traces.flatMap((t) => t.spans);
  const best = all.find((s) => s.role === "agent") ?? all.find((s) => isAiSpan(s.span, s.role)) ?? all[0];
  const firstLog = traces.find((t) => t.logs.length > 0)?.logs[0];
  const attributes: Attributes = best?.span.attributes ?? firstLog?.attributes ?? {};
  const resource: Attributes = best?.span.resource ?? firstLog?.resource ?? {};
  const start = traces.reduce((min, trace) => Math.min(min, earliest(trace) || min), Number.POSITIVE_INFINITY);
  return {
    eventId: "otlp:created",
    type: "run.created",
    time: toIso(Number.isFinite(start) ? start : Date.now()),
    kind: "agent",
    slug: slugify(name),
    name,
    project,
    sessionId,
    source: "api",
    trigger: {
      label: OTLP_TRIGGER,
      value: { service: stringAt(resource, "service.name") ?? null, traceId: best?.span.traceId ?? null },
    },
    actor: actorOf(attributes, resource),
    status: "running",
  };
}

/** The run a trace was filed under before its conversation id came, moved into this one. */
export function absorbedEvent(trace: Trace, fromRunId: string): RunEvent {
  return {
    eventId: `otlp:a:${trace.traceId}`,
    type: "run.absorbed",
    time: toIso(earliest(trace) || Date.now()),
    fromRunId,
  };
}

export function startedEvent(trace: Trace): RunEvent {
  return {
    eventId: `otlp:t:${trace.traceId}`,
    type: "run.started",
    time: toIso(earliest(trace) || Date.now()),
    turn: trace.traceId,
  };
}

/** `run.finished` for a root span: failed with its error when its status is ERROR, with an agent's reply as output. */
export function finishedEvent({ span, role }: RoledSpan): RunEvent {
  const error = spanError(span);
  const output = role === "agent" ? finalText(span) : undefined;
  return {
    eventId: `otlp:f:${span.spanId}`,
    type: "run.finished",
    time: toIso(span.endMs || span.startMs),
    turn: span.traceId,
    status: error ? "failed" : "success",
    ...(output !== undefined ? { output } : {}),
    ...(error ? { error } : {}),
  };
}

function finalText(span: OtlpSpan): string | undefined {
  const content = spanContent(span, "agent");
  const texts = content.output.flatMap((m) => m.parts.filter((p) => p.type === "text").map((p) => p.text));
  return texts.length > 0 ? texts.join("\n") : undefined;
}
