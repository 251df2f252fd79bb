/**
 * Turns the spans and log records of one OTLP request into one ingest batch per run. Spans of a
 * trace arrive in any order and over many requests, so:
 *
 * - the run is found by a key, not looked up (run-identity.ts); every batch starts with the run's
 *   `run.created` under one fixed event id, each trace opens its turn with `run.started` keyed by
 *   the trace, and the trace's root span closes it with `run.finished` — so a run shows running
 *   until its root arrives, whichever came first;
 * - the trace (spans) and the rollups (model calls: tokens, cost) are written at once, since the
 *   store orders and sums them the same whatever the order of arrival;
 * - the conversation, which the store keeps in the order it is told, waits in memory until the
 *   trace's root arrives and is then written in the order things happened. A trace whose root
 *   never comes is written after `staleAfterMs` without news, or when memory is short;
 * - a complete trace whose model calls carry no content (it comes as log records, as with
 *   `@opentelemetry/instrumentation-openai`) and of which no log record has come yet also waits,
 *   for its first log records (or `logsGraceMs`): its tool calls and results, which its spans
 *   say, are then written in order with the questions and answers the records bring. An app that
 *   shuts down flushes its tracer before its logger, so all its spans come before any record.
 *
 * A trace without a conversation id is filed under a run of its own until the id shows up (on a
 * root span exported after its children, say): then the trace moves to the conversation's run,
 * which absorbs the first run (`run.absorbed`), so no stray run is left. That holds for a trace the
 * assembler no longer remembers too (it started again after a crash, or forgot the trace to make
 * room): it is told, or notes, which runs may be such traces' runs (`waitingRuns`).
 *
 * Spans of a trace with nothing AI about them wait (bounded in number and time) for an AI span of
 * their trace, so plain HTTP or database spans show in the trace of the run they belong to without
 * making every trace a run.
 */
import type { IngestBatch, RunEvent } from "@keystroke/core";
import type { Attributes, OtlpLogRecord, OtlpSpan } from "../otlp-model.js";
import { stringAt } from "./attribute-values.js";
import { BoundedMap } from "./bounded-map.js";
import { type HeldTrace, HeldTraces } from "./held-traces.js";
import { isAiLog, logMessageEvents, logRecordEvent } from "./log-events.js";
import { CallInputs, callOf, type MessageOccurrence, messageOccurrences } from "./message-occurrences.js";
import {
  absorbedEvent,
  createdEvent,
  earliest,
  finishedEvent,
  isRoot,
  type RoledSpan,
  startedEvent,
  type Trace,
} from "./run-batch.js";
import { conversationIdOf, projectKey, sessionRunId } from "./run-identity.js";
import { RunNames, runName } from "./run-names.js";
import { type AgentReply, type ContentSeen, recordEvents, type Timed, traceMessages } from "./span-events.js";
import { isAiSpan, spanRole } from "./span-role.js";

export interface AssembleResult {
  batches: IngestBatch[];
  /** Items refused, with the reason for the first kind refused. */
  rejected: number;
  reason: string;
}

export interface TraceAssemblerOptions {
  /** Traces remembered with the run they map to. Default 100,000. */
  maxKnownTraces?: number;
  /** Spans and log records held in memory, in all: not-yet-AI traces and conversations waiting for their root. Default 20,000 each. */
  maxHeld?: number;
  /**
   * A conversation waiting this long without a new span of its trace is written as it is, and
   * spans waiting as long for an AI span of their trace are let go. Default 30 s.
   */
  staleAfterMs?: number;
  /**
   * A complete trace whose model calls carry no content waits this long for the log records
   * that would carry it, then is written without them. Default 5 s.
   */
  logsGraceMs?: number;
  /**
   * Runs, newest first, that may hold a trace filed under a run of its own whose root or
   * conversation id has not come, which this assembler does not remember: the store's running
   * OpenTelemetry runs of a trace, read when the receiver starts it. When such a trace brings its
   * conversation id, its run moves into the conversation's run; its other later spans (an HTTP
   * server span at its root, say) join its run. At most `maxKnownTraces` are kept.
   */
  waitingRuns?: Iterable<string>;
}

/** A run the assembler files traces under. */
export interface RunRef {
  runId: string;
  sessionId: string;
  project: string;
  /** Keyed by a conversation id, so it may span traces: each trace is a turn that opens with run.started. */
  conversation: boolean;
}

/** A GenAI log record read back from the store, with the occurrence its stored id says, if any. */
export interface RestoredLog {
  record: OtlpLogRecord;
  occurrence?: MessageOccurrence;
}

interface KnownTrace {
  run: RunRef;
  /** The root span has arrived: later spans' messages are written at once. */
  complete: boolean;
  /** A GenAI log record of the trace has come: its spans' messages need not wait for one. */
  logged?: boolean;
  /**
   * Its agents' replies written before any model call said them (the root came before its model
   * calls), at most MAX_AGENT_REPLIES: a model reply that says one later claims it (traceMessages'
   * `saidByAgent`).
   */
  saidByAgent?: AgentReply[];
}

/** The most agent replies remembered per trace for its model calls to claim. */
const MAX_AGENT_REPLIES = 8;

/** A trace of the current request with what is known of it, carried as one (the bounded map may forget it meanwhile). */
interface PlacedTrace {
  trace: Trace;
  known: KnownTrace;
  /** Spans and log records that had waited for an AI span of the trace and now join it. */
  unheld: HeldTrace<string> | undefined;
  /** The trace was filed under a run of its own until its conversation id came: that run, to absorb. */
  provisional?: KnownTrace;
  /** The same, for a trace not remembered (`waitingRuns`): its own run, to absorb. */
  forgotten?: RunRef;
}

const byTime = (x: Timed, y: Timed) => x.at - y.at;
/** The key a trace is known by: its project and its id. */
const traceKey = (project: string, traceId: string) => `${project}\u0000${traceId}`;
/** What is held of a trace's spans, and what makes a trace a run: its AI spans. */
const isAi = ({ span, role }: RoledSpan) => isAiSpan(span, role);

/**
 * @example
 * const assembler = new TraceAssembler();
 * for (const batch of assembler.assemble("default", spans, []).batches) await ingest.submit(batch);
 */
export class TraceAssembler {
  private readonly known: BoundedMap<KnownTrace>;
  /** Runs of traces filed under a run of their own, waiting for a conversation id, that `known` does not hold. */
  private readonly waitingRuns: BoundedMap<true>;
  private readonly notAi: HeldTraces<string>;
  private readonly untilRoot: HeldTraces<RunRef>;
  /** Complete traces whose model calls' content is to come as log records (see the top). */
  private readonly untilLogs: HeldTraces<RunRef>;
  private readonly staleAfterMs: number;
  private readonly logsGraceMs: number;
  private readonly names: RunNames;
  /** Where each waiting per-message log record stood in the request it came in (message-occurrences.ts). */
  private readonly occurrences = new WeakMap<OtlpLogRecord, MessageOccurrence>();
  /** Batches of traces let go of while holding again what a batch took (`rehold`), to write next. */
  private overflow: IngestBatch[] = [];
  /** How to hold again what a batch took from memory, should the store not write it. */
  private readonly undo = new WeakMap<IngestBatch, () => void>();
  /** What recent model calls' per-message records said of their input, for their answers that come later. */
  private readonly callInputs = new CallInputs();
  /** Records read back by `restore`, as their stored ids say they were counted (message-occurrences.ts). */
  private readonly storedOccurrences = new WeakMap<OtlpLogRecord, MessageOccurrence>();
  /** Within `restore`: what is placed is written already. */
  private restoring = false;

  constructor(options: TraceAssemblerOptions = {}) {
    const maxKnown = options.maxKnownTraces ?? 100_000;
    this.waitingRuns = new BoundedMap(maxKnown);
    // Oldest first, so that when there are too many the newest, likelier to wait still, are kept.
    for (const runId of [...(options.waitingRuns ?? [])].reverse()) this.waitingRuns.set(runId, true);
    // A trace forgotten while it waits, under a run of its own, for its conversation id.
    this.known = new BoundedMap(maxKnown, (_key, trace) => {
      if (!trace.run.conversation && !trace.complete) this.waitingRuns.set(trace.run.runId, true);
    });
    this.notAi = new HeldTraces(options.maxHeld ?? 20_000);
    this.untilRoot = new HeldTraces(options.maxHeld ?? 20_000);
    this.untilLogs = new HeldTraces(options.maxHeld ?? 20_000);
    this.staleAfterMs = options.staleAfterMs ?? 30_000;
    this.logsGraceMs = options.logsGraceMs ?? 5_000;
    this.names = new RunNames(maxKnown);
  }

  /** `project` is the header's; without one, a resource's `keystroke.project`, else "default". */
  assemble(project: string | undefined, spans: OtlpSpan[], logs: OtlpLogRecord[], now = Date.now()): AssembleResult {
    // Traces let go of while holding a batch's again (`rehold`) come before what this request
    // writes, which may add to their trace or move it into its conversation.
    const result: AssembleResult = { batches: this.overflow, rejected: 0, reason: "" };
    this.overflow = [];
    const reject = (reason: string) => {
      result.rejected++;
      result.reason ||= reason;
    };
    const traces = new Map<string, Trace>();
    const traceOf = (projectSlug: string, traceId: string): Trace => {
      const key = traceKey(projectSlug, traceId);
      const trace = traces.get(key) ?? { key, traceId, spans: [], logs: [] };
      traces.set(key, trace);
      return trace;
    };
    for (const span of spans) {
      if (span.traceId === "" || span.spanId === "") reject("a span without a trace_id or span_id");
      else if (span.startMs === 0 && span.endMs === 0) reject("a span without a start time");
      else {
        if (span.startMs === 0) span.startMs = span.endMs;
        traceOf(projectOf(project, span.resource), span.traceId).spans.push({ span, role: spanRole(span) });
      }
    }
    for (const log of logs) {
      const conversation = conversationIdOf(log.attributes);
      if (log.traceId === "" && conversation === undefined) {
        reject("a log record without a trace_id or gen_ai.conversation.id, so no run to put it in");
      } else {
        traceOf(projectOf(project, log.resource), log.traceId || `conversation:${conversation}`).logs.push(log);
      }
    }

    const runs = new Map<string, { run: RunRef; traces: PlacedTrace[] }>();
    for (const trace of traces.values()) {
      const placed = this.place(trace, now);
      if (placed === undefined) continue;
      const { run } = placed.known;
      const group = runs.get(run.runId) ?? { run, traces: [] };
      runs.set(run.runId, group);
      group.traces.push(placed);
    }
    for (const { run, traces: runTraces } of runs.values()) {
      result.batches.push(this.batchOf(run, runTraces, now, result.batches));
    }
    result.batches.push(...this.drain(false, now));
    return result;
  }

  /**
   * The conversations still waiting for their root span, as batches to write now: all of them
   * (when the server closes), or those quiet for `staleAfterMs` (called on a timer).
   */
  drain(all: boolean, now = Date.now()): IngestBatch[] {
    this.notAi.stale(all ? Number.POSITIVE_INFINITY : now - this.staleAfterMs);
    const withoutLogs = this.untilLogs.stale(all ? Number.POSITIVE_INFINITY : now - this.logsGraceMs);
    const overflow = this.overflow;
    this.overflow = [];
    return [
      ...overflow,
      ...this.untilRoot.stale(all ? Number.POSITIVE_INFINITY : now - this.staleAfterMs).map((h) => this.heldBatch(h)),
      ...withoutLogs.map((h) => this.heldBatch(h, this.untilLogs)),
    ];
  }

  /**
   * Takes back what it held, before it started (the process before a crash), of traces of `run`
   * whose root had not come: their spans and GenAI log records, read back from the store, are
   * placed in it and their conversation held again, as when they came. Nothing is written: their
   * events are already (and the run's name is as the store has it). Call before the first
   * `assemble`.
   */
  restore(run: RunRef, spans: OtlpSpan[], logs: readonly RestoredLog[] = [], now = Date.now()): void {
    const records = logs.map(({ record }) => record);
    // The run they were read from, whatever their spans say (its conversation id may be on a span
    // not read back).
    for (const traceId of new Set([...spans, ...records].map((item) => item.traceId))) {
      this.known.set(traceKey(run.project, traceId), { run, complete: false });
    }
    const byCall = new Map<string, { record: OtlpLogRecord; occurrence: MessageOccurrence }[]>();
    for (const { record, occurrence } of logs) {
      if (occurrence === undefined) continue;
      this.storedOccurrences.set(record, occurrence);
      if (record.spanId === "") continue;
      // The call's key as `assemble` makes it for the same record (its project is the run's).
      const call = callOf(traceKey(run.project, record.traceId), record.spanId);
      const ofCall = byCall.get(call) ?? [];
      byCall.set(call, ofCall);
      ofCall.push({ record, occurrence });
    }
    for (const [call, stored] of byCall) this.callInputs.noteStored(call, stored);
    this.restoring = true;
    try {
      for (const batch of this.assemble(run.project, spans, records, now).batches) this.undo.delete(batch);
    } finally {
      this.restoring = false;
    }
  }

  /**
   * Takes back which run held traces whose root came, before it started (the process before a
   * crash or a stop): turns of a conversation, read back from its run. What still comes of them
   * (log records an app's logger exports after its tracer, or an exporter's retry) is the
   * conversation's, as it was before, not a run of its own. Call before the first `assemble`.
   */
  rememberEnded(run: RunRef, traceIds: Iterable<string>): void {
    for (const traceId of traceIds) {
      const key = traceKey(run.project, traceId);
      if (!this.known.has(key)) this.known.set(key, { run, complete: true });
    }
  }

  /**
   * A batch of this assembler's that the store could not write: what it took from memory is held
   * again, so the exporter's retry of the request (or the next drain) writes it whole.
   */
  giveBack(batch: IngestBatch): void {
    this.undoOf(batch)?.();
  }

  /**
   * What `giveBack(batch)` would do, to be done later, or undefined when the batch took nothing
   * from memory. The batch itself (its events) need not be kept meanwhile.
   */
  undoOf(batch: IngestBatch): (() => void) | undefined {
    const undo = this.undo.get(batch);
    this.undo.delete(batch);
    return undo;
  }

  /**
   * The run of a trace, or undefined when it waits for an AI span of its trace. A trace without a
   * conversation id is filed under a run of its own, provisionally: when its conversation id
   * shows up in a later request (the root span that carries it often ends, and is exported,
   * last), the trace moves to the conversation's run, which absorbs what was written so far.
   */
  private place(trace: Trace, now: number): PlacedTrace | undefined {
    const projectSlug = trace.key.slice(0, trace.key.indexOf("\u0000"));
    const remembered = this.known.get(trace.key);
    const conversation = remembered?.run.conversation ? undefined : firstConversation(trace);
    const ai = trace.spans.some(isAi) || trace.logs.some(isAiLog);
    // A trace not remembered whose own run waits (`waitingRuns`): its later spans, AI or not, join it.
    const own =
      remembered === undefined && this.waitingRuns.size > 0 ? runFor(projectSlug, "trace", trace.traceId) : undefined;
    const waiting = own !== undefined && this.waitingRuns.delete(own.runId);
    if (conversation === undefined && remembered === undefined && !ai && !waiting) {
      this.notAi.add(trace.key, trace.traceId, trace.spans, trace.logs, projectSlug, now);
      return undefined;
    }
    const run =
      conversation !== undefined
        ? runFor(projectSlug, "conversation", conversation)
        : (remembered?.run ?? runFor(projectSlug, "trace", trace.traceId));
    const known: KnownTrace = {
      run,
      complete: remembered?.complete ?? false,
      logged: remembered?.logged,
      saidByAgent: remembered?.saidByAgent,
    };
    this.known.set(trace.key, known);
    const unheld = this.notAi.take(trace.key);
    if (unheld) {
      trace.spans.unshift(...unheld.spans);
      trace.logs.unshift(...unheld.logs);
    }
    if (remembered === undefined) {
      if (!waiting || own?.runId === run.runId) return { trace, known, unheld };
      // Its own run moves into the conversation's run, with what it holds of the trace.
      this.untilRoot.retag(trace.key, run);
      this.untilLogs.retag(trace.key, run);
      return { trace, known, unheld, forgotten: own };
    }
    if (remembered.run.runId === run.runId) return { trace, known, unheld };
    this.untilRoot.retag(trace.key, run);
    this.untilLogs.retag(trace.key, run);
    return { trace, known, unheld, provisional: remembered };
  }

  /** The batch of one run; conversations let go of to make room are added to `letGo`. */
  private batchOf(run: RunRef, placed: PlacedTrace[], now: number, letGo: IngestBatch[]): IngestBatch {
    const traces = placed.map((p) => p.trace);
    const name = runName(traces);
    const events: RunEvent[] = [createdEvent(run.project, run.sessionId, traces, name)];
    const undo: (() => void)[] = [];
    const renamed = this.restoring ? undefined : this.names.rename(run.runId, name);
    if (renamed) {
      events.push(renamed.event);
      undo.push(renamed.undo);
    }
    for (const { trace, known, unheld, provisional, forgotten } of [...placed].sort(
      (x, y) => earliest(x.trace) - earliest(y.trace),
    )) {
      // What the undo steps need of the trace; they keep nothing else of it (its decoded spans)
      // while the batch waits to be settled.
      const { key, traceId } = trace;
      if (unheld) {
        undo.push(() => this.notAi.add(key, traceId, unheld.spans, unheld.logs, unheld.meta, Date.now()));
      }
      if (run.conversation) events.push(startedEvent(trace));
      if (provisional) {
        events.push(absorbedEvent(trace, provisional.run.runId));
        undo.push(() => {
          // Back in its own run, with what later batches (written) learnt of it since.
          const current = this.known.get(key);
          this.known.set(key, current ? { ...current, run: provisional.run } : provisional);
          this.untilRoot.retag(key, provisional.run);
          this.untilLogs.retag(key, provisional.run);
        });
      } else if (forgotten !== undefined) {
        events.push(absorbedEvent(trace, forgotten.runId));
        undo.push(() => {
          this.known.delete(key);
          this.waitingRuns.set(forgotten.runId, true);
          this.untilRoot.retag(key, forgotten);
          this.untilLogs.retag(key, forgotten);
        });
      }
      const timed: Timed[] = [];
      for (const { span, role } of trace.spans) timed.push(...recordEvents(span, role));
      const roots = trace.spans.filter(({ span }) => isRoot(span));
      const complete = known.complete || roots.length > 0;
      const waited = complete ? this.untilRoot.take(trace.key) : undefined;
      const waitedLogs = waited?.logs ?? [];
      // Records read back were counted before (`restore` notes what their stored ids say).
      const occurrences = messageOccurrences(trace.logs, this.restoring ? undefined : this.callInputs, trace.key, undo);
      if (trace.logs.some(isAiLog)) known.logged = true;
      // The messages of log records of a trace filed under a run of its own wait for its root (or
      // for `staleAfterMs`), as its spans' content does: the root may bring the conversation id,
      // and written into the trace's own run they would join the conversation only when it
      // absorbs that run, after turns that came later. Once some wait, later ones wait with them.
      // Their log.recorded is written at once.
      // Taken back after a restart, they all wait: those written before are not written twice.
      const logsWait = !complete && (this.restoring || !run.conversation || this.untilRoot.holdsLogs(trace.key));
      for (const log of trace.logs) {
        const occurrence = this.storedOccurrences.get(log) ?? occurrences.get(log);
        if (!logsWait) timed.push(...logMessageEvents(log, !run.conversation, occurrence));
        else if (occurrence !== undefined) this.occurrences.set(log, occurrence);
        timed.push(logRecordEvent(log, occurrence));
      }
      if (complete) {
        const firstComplete = !known.complete;
        known.complete = true;
        const waitedSpans = waited?.spans ?? [];
        if (firstComplete) {
          undo.push(() => {
            const current = this.known.get(key);
            if (current) current.complete = false;
            if (waited !== undefined) this.rehold(this.untilRoot, key, { ...waited, meta: run });
          });
        }
        // Spans that waited, complete, for the trace's log records: they come now, or the trace's
        // messages are written without them now that more spans came.
        const heldForLogs = this.untilLogs.take(key);
        if (heldForLogs !== undefined) {
          undo.push(() => this.rehold(this.untilLogs, key, heldForLogs));
        }
        const spans = [...(heldForLogs?.spans ?? []), ...waitedSpans, ...trace.spans];
        // Nothing of the trace's conversation was written yet: its agents' replies are (once).
        const unwritten = firstComplete || heldForLogs !== undefined;
        const seen: ContentSeen = { models: 0, saying: 0, replies: [], claimed: [] };
        const messages = traceMessages(
          spans,
          { history: !run.conversation, agentReplies: unwritten, saidByAgent: known.saidByAgent },
          seen,
        );
        // Model calls that carry no messages, nor do its agents' spans: the content is to come as
        // log records. A trace without messages of its own has nothing to put in order with them.
        const logged = known.logged === true || waitedLogs.some(isAiLog);
        if (unwritten && !logged && seen.models > 0 && seen.saying === 0 && messages.length > 0) {
          const withContent = spans.filter(isAi);
          for (const held of this.untilLogs.add(key, traceId, withContent, [], run, now)) {
            letGo.push(this.heldBatch(held, this.untilLogs));
          }
          undo.push(() => this.untilLogs.take(key));
        } else {
          timed.push(...messages);
          this.noteAgentReplies(known, seen, undo);
        }
        timed.push(...this.logMessages(waitedLogs, !run.conversation));
      } else {
        const withContent = trace.spans.filter(isAi);
        const heldLogs = logsWait ? trace.logs.filter(isAiLog) : [];
        const letGoNow =
          withContent.length > 0 || heldLogs.length > 0
            ? this.untilRoot.add(trace.key, trace.traceId, withContent, heldLogs, run, now)
            : [];
        if (heldLogs.length > 0) {
          // Should the store not write this batch, the exporter's retry brings these records again.
          undo.push(() => this.untilRoot.forget(key, heldLogs));
        }
        for (const held of letGoNow) letGo.push(this.heldBatch(held));
      }
      // A message seen by several spans (every model call repeats the prompt) is sent once.
      const sent = new Map<string, RunEvent>();
      for (const { event } of timed.sort(byTime)) {
        const first = sent.get(event.eventId);
        if (first === undefined) {
          sent.set(event.eventId, event);
          events.push(event);
        } else {
          nameToolResult(first, event);
        }
      }
      for (const root of roots) events.push(finishedEvent(root));
    }
    const batch = { runId: run.runId, events };
    if (undo.length > 0) {
      this.undo.set(batch, () => {
        // Last step first: each takes back what was done after the one before it.
        for (let i = undo.length - 1; i >= 0; i--) (undo[i] as () => void)();
      });
    }
    return batch;
  }

  /**
   * Remembers the agents' replies a batch wrote, for the trace's later model calls to claim, and
   * how to take back (should the store not write the batch) those and what its model replies claimed.
   */
  private noteAgentReplies(known: KnownTrace, seen: ContentSeen, undo: (() => void)[]): void {
    const claimed = seen.claimed ?? [];
    const list = known.saidByAgent ?? [];
    const added = (seen.replies ?? [])
      .filter((reply) => !list.some((r) => r.said === reply.said))
      .slice(0, MAX_AGENT_REPLIES - list.length);
    if (added.length === 0 && claimed.length === 0) return;
    list.push(...added);
    known.saidByAgent = list;
    undo.push(() => {
      for (const reply of claimed) {
        reply.claims = (reply.claims ?? 1) - 1;
        if (reply.claims === 0) reply.by = undefined;
      }
      // One a later model reply claimed stays: that reply was written as this one, and is again.
      for (const reply of added) {
        const index = list.indexOf(reply);
        if (index >= 0 && reply.by === undefined) list.splice(index, 1);
      }
    });
  }

  /**
   * The messages of log records that waited (their log.recorded was written when they came),
   * each keyed by its place in the request it came in, so a re-sent request's copy of a record
   * adds nothing new.
   */
  private logMessages(logs: readonly OtlpLogRecord[], history: boolean): Timed[] {
    return logs.flatMap((log) => logMessageEvents(log, history, this.occurrences.get(log)));
  }

  /**
   * The conversation of a trace let go of before its root (or, from `untilLogs`, its log
   * records) came: its messages in the order they happened. Should the store not write it, it is
   * held again where it was.
   */
  private heldBatch(held: HeldTrace<RunRef>, from: HeldTraces<RunRef> = this.untilRoot): IngestBatch {
    const trace: Trace = { key: "", traceId: held.traceId, spans: held.spans, logs: held.logs };
    const history = !held.meta.conversation;
    const timed = traceMessages(held.spans, { history, agentReplies: true });
    timed.push(...this.logMessages(held.logs, history));
    const events: RunEvent[] = [createdEvent(held.meta.project, held.meta.sessionId, [trace], runName([trace]))];
    for (const { event } of timed.sort(byTime)) events.push(event);
    const batch = { runId: held.meta.runId, events };
    const key = traceKey(held.meta.project, held.traceId);
    this.undo.set(batch, () => this.rehold(from, key, held));
    return batch;
  }

  /**
   * Holds again what a batch the store could not write took from `from`. Traces that this lets go
   * of to stay within the bound are written with the next request or drain.
   */
  private rehold(from: HeldTraces<RunRef>, key: string, held: HeldTrace<RunRef>): void {
    for (const gone of from.add(key, held.traceId, held.spans, held.logs, held.meta, Date.now())) {
      this.overflow.push(this.heldBatch(gone, from));
    }
  }
}

function projectOf(header: string | undefined, resource: Attributes): string {
  return projectKey(header ?? stringAt(resource, "keystroke.project") ?? "default");
}

function runFor(project: string, kind: "conversation" | "trace", id: string): RunRef {
  return {
    runId: sessionRunId(project, kind, id),
    sessionId: id.slice(0, 500),
    project,
    conversation: kind === "conversation",
  };
}

/**
 * A tool result said twice (by its tool's span and by the log record of the next model call's
 * input, within the same millisecond or so) is kept as it came first, named as the other says
 * when only the other knows its tool.
 */
function nameToolResult(kept: RunEvent, again: RunEvent): void {
  if (kept.type !== "message.added" || again.type !== "message.added") return;
  const [part] = kept.message.parts;
  const [named] = again.message.parts;
  if (part?.type === "tool_result" && part.name === undefined && named?.type === "tool_result" && named.name) {
    part.name = named.name;
  }
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
