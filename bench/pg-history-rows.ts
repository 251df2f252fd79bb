/**
 * The rows of a generated run, for the bulk loaders of the PostgreSQL benchmark. Appending a
 * million runs one batch at a time takes longer than the benchmark may (store.append wrote 20,000
 * of these runs in 19.6 s on PostgreSQL, 2.8 s on SQLite: 16 minutes a million), so each run is folded
 * here exactly as the append path folds a run created by one batch — core's reduceRun and
 * applyEvent, the same event bodies and step bodies, the stores' own row splitting — and the
 * loaders (pg-history-postgres-load.ts, pg-history-sqlite-load.ts) write the rows many at a time.
 * pg-history-verify.ts holds the result against `store.append`.
 */
import {
  applyEvent,
  type IngestBatch,
  messageText,
  type RunDetail,
  reduceRun,
  type StoredEvent,
  toMillis,
} from "@keystroke/core";
import type { StoredStep } from "@keystroke/store";
import { splitDetail } from "../packages/store/src/sqlite/rows.js";

/** Every row one new run writes, in either store. */
export interface RunRows {
  runNo: number;
  detail: RunDetail;
  triggeredAt: number;
  summary: string;
  payload: string;
  events: { seq: number; eventId: string; body: string }[];
  /** Each message's place as the store keeps it: its time (`atMs`), then its event (`seq`; see message-order.ts). */
  messages: { idx: number; atMs: number; id: string; seq: number; text: string }[];
  steps: { id: string; ord: number; body: string }[];
}

/**
 * Folds the one batch that creates a run into its rows, as both stores' append paths do. Only the
 * events the generated History holds are projected; any other kind is refused, not guessed at.
 */
export function foldNewRun(runNo: number, batch: IngestBatch): RunRows {
  let detail: RunDetail | undefined;
  const rows: RunRows["events"] = [];
  const messages: RunRows["messages"] = [];
  const steps = new Map<string, { ord: number; body: StoredStep }>();
  for (const event of batch.events) {
    const seq = (detail?.lastSeq ?? 0) + 1;
    const stored = { ...event, runId: batch.runId, seq } as StoredEvent;
    const body = JSON.stringify(event.runId === undefined ? event : { ...event, runId: undefined });
    rows.push({ seq, eventId: event.eventId, body });
    if (detail === undefined) {
      detail = reduceRun(undefined, stored);
      continue;
    }
    if (stored.type === "message.added") {
      messages.push({
        idx: detail.messageCount,
        atMs: toMillis(stored.time),
        id: stored.message.id,
        seq,
        text: messageText(stored.message.parts),
      });
    } else if (stored.type === "step.started") {
      const step: StoredStep = {
        runId: stored.runId,
        stepId: stored.stepId,
        name: stored.name,
        kind: stored.kind,
        attempt: stored.attempt,
        childRunId: stored.childRunId ?? null,
        status: "running",
        startedAt: stored.time,
        finishedAt: null,
        input: stored.input ?? null,
        output: null,
        error: null,
      };
      steps.set(stored.stepId, { ord: steps.get(stored.stepId)?.ord ?? steps.size, body: step });
    } else if (stored.type === "step.finished") {
      const found = steps.get(stored.stepId);
      if (found === undefined) throw new Error(`step.finished before step.started in ${batch.runId}`);
      found.body = {
        ...found.body,
        status: stored.status,
        attempt: Math.max(found.body.attempt, stored.attempt),
        finishedAt: stored.time,
        output: stored.output ?? null,
        error: stored.error ?? null,
      };
    } else if (
      !["run.started", "run.status_changed", "run.finished", "model.called", "service.used"].includes(stored.type)
    ) {
      throw new Error(`The bulk loader does not project ${stored.type} events`);
    }
    applyEvent(detail, stored);
  }
  if (detail === undefined) throw new Error(`Empty batch for ${batch.runId}`);
  const { summary, payload } = splitDetail(detail);
  return {
    runNo,
    detail,
    triggeredAt: toMillis(detail.triggeredAt),
    summary: JSON.stringify(summary),
    payload: JSON.stringify(payload),
    events: rows,
    messages,
    steps: [...steps].map(([id, step]) => ({ id, ord: step.ord, body: JSON.stringify(step.body) })),
  };
}
