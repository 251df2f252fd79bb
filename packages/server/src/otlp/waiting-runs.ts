/**
 * What the OTLP receiver's mapping thread takes back when it starts, read from the store: what
 * the thread before it (or the process before a crash) held in memory. A trace filed under a run
 * of its own waits there for its conversation id, and a turn's conversation waits for its root
 * span; both are in the store as running OpenTelemetry runs, their spans and their GenAI log
 * records. It also knew which conversation's run each recent turn went to, and still held some of
 * a turn that had just ended (spans waiting for its log records): a turn's log records may come
 * after its root (an app's logger exports on its own, and an exporter retries what a stopped
 * server did not answer), and without that they would be filed under a run of their own that no
 * conversation id ever moves.
 */
import {
  OTLP_TRIGGER,
  type RunFilter,
  type RunSummary,
  runStatuses,
  type StoredEvent,
  toMillis,
} from "@keystroke/core";
import { MAX_PAGE, type RunStore } from "@keystroke/store";
import { otlpLogOf } from "./map/log-events.js";
import { storedOccurrence } from "./map/message-occurrences.js";
import { isRoot } from "./map/run-batch.js";
import { sessionRunId } from "./map/run-identity.js";
import { otlpSpanOf } from "./map/span-events.js";
import type { RestoredLog, RunRef } from "./map/trace-assembler.js";
import type { WaitingRuns } from "./mapping-thread.js";
import type { OtlpLogRecord, OtlpSpan } from "./otlp-model.js";

/** The most running OpenTelemetry runs read for the mapping thread's `waitingRuns`. */
const MAX_WAITING_RUNS = 10_000;
/** Runs whose turns are read back, the last written to first, at most. */
const MAX_RESTORED_RUNS = 1_000;
/** The most events read back in all, so the first request does not wait long. */
const MAX_READ_EVENTS = 50_000;
/** How far back in such a run its traces whose root has not come are looked for, in events. */
const RESTORE_TAIL = 2_000;
/** The most spans and log records read back in all: what the mapping thread holds at most (maxHeld). */
const MAX_RESTORED_ITEMS = 20_000;
/** Conversations' runs no longer running are read back if written to this recently (by the senders' clocks). */
const RECENT_MS = 10 * 60_000;
/** Of the OpenTelemetry runs no longer running, the ones triggered last that are looked at. */
const MAX_RECENT_RUNS = 1_000;
/** A turn whose spans ended this recently (by the senders' clocks) is read back whole. */
const RECENT_TURN_MS = 60_000;

/** A trace's spans and GenAI log records as read back from its run, each record with its stored event id. */
interface ReadTrace {
  spans: OtlpSpan[];
  logs: { record: OtlpLogRecord; eventId: string }[];
}
type Entry = [traceId: string, trace: ReadTrace];

/** Up to `max` OpenTelemetry runs matching `status`, triggered last first. */
async function otlpRuns(store: RunStore, status: RunFilter["status"], max: number): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRuns(
      { status, trigger: [OTLP_TRIGGER] },
      { cursor, limit: Math.min(MAX_PAGE, max - runs.length) },
    );
    runs.push(...page.runs);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && runs.length < max);
  return runs;
}

/**
 * What the mapping thread is to take back when it starts (its `waitingRuns`), from the store's
 * OpenTelemetry runs still running, newest first: those of a trace filed under a run of its own,
 * which may wait for their root or conversation id, and the spans and GenAI log records of the
 * recent runs' traces whose root has not come, whose conversation the thread holds again; and,
 * of those runs and of the conversations' runs written to in the last RECENT_MS, the traces whose
 * root came: those that ended in the last RECENT_TURN_MS whole, to be held again as they were
 * (with what the budget leaves once every turn in flight has its share), the others by id, so the
 * thread files what still comes of them under the conversation's run.
 */
export async function waitingOtlpRuns(store: RunStore): Promise<WaitingRuns> {
  const running = await otlpRuns(store, ["running"], MAX_WAITING_RUNS);
  const ended = await otlpRuns(
    store,
    runStatuses.filter((status) => status !== "running"),
    MAX_RECENT_RUNS,
  );
  const refs = new Map<string, RunRef>();
  // The project as stored is the receiver's key for it.
  const refOf = ({ runId, sessionId, project }: RunSummary): RunRef | undefined =>
    sessionId === null
      ? undefined
      : { runId, sessionId, project, conversation: runId !== sessionRunId(project, "trace", sessionId) };
  for (const run of running) {
    const ref = refOf(run);
    if (ref !== undefined) refs.set(run.runId, ref);
  }
  // The last written to first, by the senders' clocks (none counted later than now).
  const now = Date.now();
  const writtenAt = (run: RunSummary) => Math.min(toMillis(run.updatedAt), now);
  const endedRefs = new Map<string, RunRef>();
  for (const run of ended) {
    const ref = refOf(run);
    if (ref?.conversation && writtenAt(run) >= now - RECENT_MS) endedRefs.set(run.runId, ref);
  }
  const lastWrittenFirst = (runs: RunSummary[]) => [...runs].sort((x, y) => writtenAt(y) - writtenAt(x));
  // The running first, whose turns in flight matter most, then the ended, with what the budget leaves.
  const recent = [
    ...lastWrittenFirst(running).slice(0, MAX_RESTORED_RUNS),
    ...lastWrittenFirst(ended.filter((run) => endedRefs.has(run.runId))),
  ];
  const rootedTraces: WaitingRuns["rooted"][number][] = [];
  const scanned: { ref: RunRef; waiting: Entry[]; recentTurns: Entry[]; ended: string[] }[] = [];
  let read = 0;
  for (const run of recent) {
    const ref = refs.get(run.runId) ?? endedRefs.get(run.runId);
    if (ref === undefined) continue;
    if (read >= MAX_READ_EVENTS) break;
    const byTrace = new Map<string, ReadTrace>();
    const ofTrace = (traceId: string) => {
      let found = byTrace.get(traceId);
      if (found === undefined) {
        found = { spans: [], logs: [] };
        byTrace.set(traceId, found);
      }
      return found;
    };
    // A trace whose root came: its root has no parent here, or (one whose parent is in another
    // process) finished the turn.
    const rooted = new Set<string>();
    const finished = new Set<string>();
    for (let after = Math.max(0, run.lastSeq - RESTORE_TAIL); ; ) {
      const events = await store.readEvents(run.runId, after, MAX_PAGE);
      read += events.length;
      for (const event of events) {
        if (event.type === "run.finished" && event.eventId.startsWith("otlp:f:")) finished.add(event.eventId.slice(7));
        if (event.type === "log.recorded") {
          // The messages of GenAI records may be held too (instrumentation-openai sends them so).
          const record = otlpLogOf(event.log);
          if (record !== undefined) {
            ofTrace(record.traceId).logs.push({ record, eventId: event.eventId });
          }
        }
        if (event.type !== "span.recorded") continue;
        const span = otlpSpanOf(event.span);
        if (isRoot(span)) rooted.add(span.traceId);
        ofTrace(span.traceId).spans.push(span);
      }
      if (events.length < MAX_PAGE) break;
      after = (events.at(-1) as StoredEvent).seq;
    }
    const hasEnded = ([traceId, { spans }]: Entry) =>
      rooted.has(traceId) || spans.some((span) => finished.has(span.spanId));
    // Only a running run has turns in flight to hold again.
    const waiting = refs.has(run.runId) ? [...byTrace].filter((trace) => !hasEnded(trace)) : [];
    // Turns that ended lately are read back whole: what the thread still held of them (spans
    // waiting for their log records, agents' replies waiting for a model call to say them) is
    // held again. Of the others, only where they went.
    const lately = ([traceId, { spans }]: Entry) =>
      rooted.has(traceId) && spans.some((span) => span.endMs >= now - RECENT_TURN_MS);
    const endedTraces = [...byTrace].filter(hasEnded);
    // Of the others, only their ids are kept.
    scanned.push({ ref, waiting, recentTurns: endedTraces.filter(lately), ended: endedTraces.map(([id]) => id) });
  }
  // The budget of spans and records goes to the turns in flight of every run first, then to the
  // turns that ended lately.
  let count = 0;
  const take = (group: Entry[]): boolean => {
    const items = group.reduce((n, [, trace]) => n + trace.spans.length + trace.logs.length, 0);
    if (group.length === 0 || count + items > MAX_RESTORED_ITEMS) return false;
    count += items;
    return true;
  };
  const taken = scanned.map(({ waiting }) => (take(waiting) ? [...waiting] : []));
  scanned.forEach(({ ref, recentTurns, ended }, i) => {
    const restored = new Set(take(recentTurns) ? recentTurns.map(([id]) => id) : []);
    if (restored.size > 0) (taken[i] as Entry[]).push(...recentTurns);
    // A conversation's turns that ended: what still comes of them is the conversation's. (A run
    // of one trace is found again by its trace id.)
    if (ref.conversation) {
      const traceIds = ended.filter((traceId) => !restored.has(traceId));
      if (traceIds.length > 0) rootedTraces.push({ run: ref, traceIds });
    }
  });
  const traces = scanned.flatMap(({ ref }, i): WaitingRuns["traces"][number][] => {
    const entries = taken[i] as Entry[];
    if (entries.length === 0) return [];
    // Each record is told which occurrence its stored id says.
    const logs = entries.flatMap(([, trace]) =>
      trace.logs.map(({ record, eventId }): RestoredLog => {
        const occurrence = storedOccurrence(record, eventId);
        return occurrence ? { record, occurrence } : { record };
      }),
    );
    return [{ run: ref, spans: entries.flatMap(([, trace]) => trace.spans), logs }];
  });
  const runIds = [...refs.values()].filter((ref) => !ref.conversation).map((ref) => ref.runId);
  return { runIds, traces, rooted: rootedTraces };
}
