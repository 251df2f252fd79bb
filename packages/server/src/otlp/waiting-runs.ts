/**
 * What the OTLP receiver's mapping thread takes back when it starts, read from the store: what
 * the thread before it (or the process before a crash) held in memory. A trace filed under a run
 * of its own waits there for its conversation id, and a turn's conversation waits for its root
 * span; both are in the store as running OpenTelemetry runs, their spans and their GenAI log
 * records.
 */
import { type RunSummary, type StoredEvent, toMillis } from "@keystroke/core";
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

/**
 * What the mapping thread is to take back when it starts (its `waitingRuns`), from the store's
 * OpenTelemetry runs still running, newest first: those of a trace filed under a run of its own,
 * which may wait for their root or conversation id, and the spans and GenAI log records of the
 * recent runs' traces whose root has not come, whose conversation the thread holds again.
 */
export async function waitingOtlpRuns(store: RunStore): Promise<WaitingRuns> {
  const running: RunSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRuns(
      { status: ["running"], trigger: ["OpenTelemetry"] },
      { cursor, limit: Math.min(MAX_PAGE, MAX_WAITING_RUNS - running.length) },
    );
    running.push(...page.runs);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && running.length < MAX_WAITING_RUNS);
  const refs = new Map<string, RunRef>();
  // The project as stored is the receiver's key for it.
  for (const { runId, sessionId, project } of running) {
    if (sessionId === null) continue;
    refs.set(runId, { runId, sessionId, project, conversation: runId !== sessionRunId(project, "trace", sessionId) });
  }
  // The last written to first, by the senders' clocks (none counted later than now).
  const now = Date.now();
  const writtenAt = (run: RunSummary) => Math.min(toMillis(run.updatedAt), now);
  const recent = [...running].sort((x, y) => writtenAt(y) - writtenAt(x)).slice(0, MAX_RESTORED_RUNS);
  const traces: WaitingRuns["traces"][number][] = [];
  let count = 0;
  let read = 0;
  for (const run of recent) {
    const ref = refs.get(run.runId);
    if (ref === undefined) continue;
    if (read >= MAX_READ_EVENTS) break;
    const byTrace = new Map<string, { spans: OtlpSpan[]; logs: { record: OtlpLogRecord; eventId: string }[] }>();
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
    const waiting = [...byTrace].filter(
      ([traceId, { spans }]) => !rooted.has(traceId) && !spans.some((span) => finished.has(span.spanId)),
    );
    const spans = waiting.flatMap(([, trace]) => trace.spans);
    const records = waiting.flatMap(([, trace]) => trace.logs);
    if (count + spans.length + records.length > MAX_RESTORED_ITEMS) break;
    count += spans.length + records.length;
    // Only the records of the traces that wait: each is told which occurrence its stored id says.
    const logs = records.map(({ record, eventId }): RestoredLog => {
      const occurrence = storedOccurrence(record, eventId);
      return occurrence ? { record, occurrence } : { record };
    });
    if (waiting.length > 0) traces.push({ run: ref, spans, logs });
  }
  const runIds = [...refs.values()].filter((ref) => !ref.conversation).map((ref) => ref.runId);
  return { runIds, traces };
}
