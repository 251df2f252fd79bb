/**
 * Turns the spans and log records of one OTLP request into one ingest batch per run. Spans of a
 * trace may arrive in any order and over many requests: every batch starts with the run's
 * `run.created` under one fixed event id (the store keeps the first and drops the rest), each
 * trace opens its turn with `run.started` keyed by the trace, and a root span closes it with
 * `run.finished` — so a run shows running until its root span arrives, whichever came first.
 *
 * Two small in-memory maps help where one request does not say everything: a trace seen with a
 * conversation id keeps pointing at that conversation's run, and spans of a trace with nothing
 * AI about it yet wait (bounded) until an AI span of their trace arrives, so plain HTTP or
 * database spans show in the trace of the run they belong to without turning every trace into a run.
 */
import type { IngestBatch, RunEvent } from "@keystroke/core";
import type { Attributes, OtlpLogRecord, OtlpSpan } from "../otlp-model.js";
import { stringAt } from "./attribute-values.js";
import { isAiLog, logEvents } from "./log-events.js";
import { actorOf, agentNameOf, conversationIdOf, runIdFor, slugify } from "./run-identity.js";
import { spanContent } from "./span-content.js";
import { iso, spanError, spanEvents } from "./span-events.js";
import { isAiSpan, type SpanRole, spanRole } from "./span-role.js";

export interface AssembleResult {
  batches: IngestBatch[];
  /** Items refused, with the reason for the first kind refused. */
  rejected: number;
  reason: string;
}

export interface TraceAssemblerOptions {
  /** Traces remembered with the run they map to. Default 100,000. */
  maxKnownTraces?: number;
  /** Spans and log records of not-yet-AI traces held back. Default 10,000. */
  maxWaiting?: number;
}

interface Trace {
  traceId: string;
  spans: { span: OtlpSpan; role: SpanRole }[];
  logs: OtlpLogRecord[];
}

interface RunGroup {
  runId: string;
  sessionId: string;
  traces: Trace[];
}

/** A Map that forgets its oldest entries past `max`. */
class Bounded<V> extends Map<string, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: string, value: V): this {
    if (!this.has(key) && this.size >= this.max) this.delete(this.keys().next().value as string);
    return super.set(key, value);
  }
}

/**
 * @example
 * const assembler = new TraceAssembler();
 * for (const batch of assembler.assemble("default", spans, []).batches) await ingest.submit(batch);
 */
export class TraceAssembler {
  private readonly known: Bounded<{ runId: string; sessionId: string }>;
  private readonly waiting = new Map<string, Trace>();
  private waitingCount = 0;
  private readonly maxWaiting: number;

  constructor(options: TraceAssemblerOptions = {}) {
    this.known = new Bounded(options.maxKnownTraces ?? 100_000);
    this.maxWaiting = options.maxWaiting ?? 10_000;
  }

  /** `project` is the header's; without one, a resource's `keystroke.project`, else "default". */
  assemble(project: string | undefined, spans: OtlpSpan[], logs: OtlpLogRecord[]): AssembleResult {
    const result: AssembleResult = { batches: [], rejected: 0, reason: "" };
    const reject = (reason: string) => {
      result.rejected++;
      result.reason ||= reason;
    };
    const traces = new Map<string, Trace>();
    const traceOf = (projectSlug: string, traceId: string): Trace => {
      const key = `${projectSlug}\u0000${traceId}`;
      const trace = traces.get(key) ?? { traceId, spans: [], logs: [] };
      traces.set(key, trace);
      return trace;
    };
    const projects = new Map<Trace, string>();
    for (const span of spans) {
      if (span.traceId === "" || span.spanId === "") reject("a span without a trace_id or span_id");
      else if (span.startMs === 0 && span.endMs === 0) reject("a span without a start time");
      else {
        if (span.startMs === 0) span.startMs = span.endMs;
        const p = projectOf(project, span.resource);
        const trace = traceOf(p, span.traceId);
        projects.set(trace, p);
        trace.spans.push({ span, role: spanRole(span) });
      }
    }
    for (const log of logs) {
      const conversation = conversationIdOf(log.attributes);
      if (log.traceId === "" && conversation === undefined) {
        reject("a log record without a trace_id or gen_ai.conversation.id, so no run to put it in");
        continue;
      }
      const p = projectOf(project, log.resource);
      const trace = traceOf(p, log.traceId || `conversation:${conversation}`);
      projects.set(trace, p);
      trace.logs.push(log);
    }
    const groups = new Map<string, RunGroup>();
    for (const [key, trace] of traces) {
      const group = this.runOf(key, projects.get(trace) as string, trace);
      if (group === undefined) continue;
      const existing = groups.get(group.runId) ?? { ...group, traces: [] };
      groups.set(group.runId, existing);
      existing.traces.push(trace);
    }
    for (const group of groups.values())
      result.batches.push(batchOf(group, projects.get(group.traces[0] as Trace) as string));
    return result;
  }

  /** The run of a trace, or undefined when it waits for an AI span of its trace. */
  private runOf(key: string, projectSlug: string, trace: Trace): { runId: string; sessionId: string } | undefined {
    const conversation = firstConversation(trace);
    const ai = trace.spans.some(({ span, role }) => isAiSpan(span, role)) || trace.logs.some(isAiLog);
    let run = conversation !== undefined ? runFor(projectSlug, "conversation", conversation) : this.known.get(key);
    if (run === undefined && !ai) {
      this.hold(key, trace);
      return undefined;
    }
    run ??= runFor(projectSlug, "trace", trace.traceId);
    this.known.set(key, run);
    const held = this.waiting.get(key);
    if (held) {
      this.waiting.delete(key);
      this.waitingCount -= held.spans.length + held.logs.length;
      trace.spans.unshift(...held.spans);
      trace.logs.unshift(...held.logs);
    }
    return run;
  }

  private hold(key: string, trace: Trace): void {
    const held = this.waiting.get(key) ?? { traceId: trace.traceId, spans: [], logs: [] };
    this.waiting.set(key, held);
    held.spans.push(...trace.spans);
    held.logs.push(...trace.logs);
    this.waitingCount += trace.spans.length + trace.logs.length;
    while (this.waitingCount > this.maxWaiting && this.waiting.size > 0) {
      const [oldestKey, oldest] = this.waiting.entries().next().value as [string, Trace];
      this.waiting.delete(oldestKey);
      this.waitingCount -= oldest.spans.length + oldest.logs.length;
    }
  }
}

function projectOf(header: string | undefined, resource: Attributes): string {
  return slugify(header ?? stringAt(resource, "keystroke.project") ?? "default");
}

function runFor(projectSlug: string, kind: string, id: string): { runId: string; sessionId: string } {
  return { runId: runIdFor(`${projectSlug}\u0000${kind}\u0000${id}`), sessionId: id.slice(0, 500) };
}

function firstConversation(trace: Trace): string | undefined {
  for (const { span } of trace.spans) {
    const id = conversationIdOf(span.attributes);
    if (id !== undefined) return id;
  }
  for (const log of trace.logs) {
    const id = conversationIdOf(log.attributes);
    if (id !== undefined) return id;
  }
  return undefined;
}

/** `run.created` from the most telling span of the batch: an agent span, else any AI span, else the first. */
function created(projectSlug: string, group: RunGroup): RunEvent {
  const all = group.traces.flatMap((t) => t.spans);
  const best = all.find((s) => s.role === "agent") ?? all.find((s) => isAiSpan(s.span, s.role)) ?? all[0];
  const firstLog = group.traces.find((t) => t.logs.length > 0)?.logs[0];
  const attributes = best?.span.attributes ?? firstLog?.attributes ?? {};
  const resource = best?.span.resource ?? firstLog?.resource ?? {};
  const name = (agentNameOf(attributes, resource) ?? "OpenTelemetry agent").slice(0, 500);
  const start = group.traces.reduce((min, trace) => Math.min(min, earliest(trace)), Number.POSITIVE_INFINITY);
  return {
    eventId: "otlp:created",
    type: "run.created",
    time: iso(Number.isFinite(start) && start > 0 ? start : Date.now()),
    kind: "agent",
    slug: slugify(name),
    name,
    project: projectSlug,
    sessionId: group.sessionId,
    source: "api",
    trigger: {
      label: "OpenTelemetry",
      value: { service: stringAt(resource, "service.name") ?? null, traceId: best?.span.traceId ?? null },
    },
    actor: actorOf(attributes, resource),
    status: "running",
  };
}

/** The earliest time of a trace's spans and timed log records; 0 when none has a time. */
function earliest(trace: Trace): number {
  let min = Number.POSITIVE_INFINITY;
  for (const { span } of trace.spans) if (span.startMs < min) min = span.startMs;
  for (const log of trace.logs) if (log.timeMs > 0 && log.timeMs < min) min = log.timeMs;
  return Number.isFinite(min) ? min : 0;
}

function batchOf(group: RunGroup, projectSlug: string): IngestBatch {
  const events: RunEvent[] = [created(projectSlug, group)];
  for (const trace of [...group.traces].sort((x, y) => earliest(x) - earliest(y))) {
    events.push({ eventId: `otlp:t:${trace.traceId}`, type: "run.started", time: iso(earliest(trace) || Date.now()) });
    // Each event carries the time it happened (a prompt at its span's start, a reply at its end):
    // ordered by it, the conversation reads in order whichever span arrived first.
    const spans = [...trace.spans].sort((x, y) => x.span.startMs - y.span.startMs);
    const timed: RunEvent[] = [];
    for (const { span, role } of spans) timed.push(...spanEvents(span, role, spanContent(span, role)));
    for (const log of trace.logs) timed.push(...logEvents(log));
    events.push(...timed.sort((x, y) => (x.time < y.time ? -1 : x.time > y.time ? 1 : 0)));
    for (const { span, role } of spans) {
      if (span.parentSpanId !== undefined) continue;
      const error = spanError(span);
      const output = role === "agent" ? finalText(span) : undefined;
      events.push({
        eventId: `otlp:f:${span.spanId}`,
        type: "run.finished",
        time: iso(span.endMs || span.startMs),
        status: error ? "failed" : "success",
        ...(output !== undefined ? { output } : {}),
        ...(error ? { error } : {}),
      });
    }
  }
  return { runId: group.runId, events };
}

function finalText(span: OtlpSpan): string | undefined {
  const content = spanContent(span, "agent");
  const texts = content.output.flatMap((m) => m.parts.filter((p) => p.type === "text").map((p) => p.text));
  return texts.length > 0 ? texts.join("\n") : undefined;
}
