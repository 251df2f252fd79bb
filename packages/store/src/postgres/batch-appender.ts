/**
 * The write path of the PostgreSQL store: one batch of one run's events, inside the caller's
 * transaction. The run's row is locked (`FOR UPDATE`), so appends to one run from several
 * replicas take turns; what the batch needs of the stored run is loaded in one round trip; each
 * event gets the run's next sequence number, is dropped if its eventId is already stored, is
 * projected (batch-rows.ts) and folded into the run with core's reducer; then the whole batch is
 * written in one statement (run-writer.ts). A refusal names the event it came from.
 */
import {
  applyEvent,
  asStored,
  type FoldedRun,
  givenBodies,
  type IngestBatch,
  KeystrokeError,
  type RunEvent,
  type RunSummary,
  reduceRun,
  type StoredEvent,
  storedBody,
  toMillis,
} from "@keystroke/core";
import type pg from "pg";
import { MessageMoves } from "../message-order.js";
import type { AppendResult } from "../run-store.js";
import { BatchRows } from "./batch-rows.js";
import { atEvent } from "./event-error.js";
import { absorbRun } from "./run-absorber.js";
import { foldedRunRow, type PgRunRow, RUN_COLUMNS, splitDetail } from "./run-rows.js";
import { loadRunState } from "./run-state-loader.js";
import { writeBatch } from "./run-writer.js";

/** Another transaction created the batch's run first: fold the batch again on top of it. */
export class RunCreatedConcurrently extends Error {
  constructor(runId: string) {
    super(`Run ${runId} was created by another writer at the same time`);
    this.name = "RunCreatedConcurrently";
  }
}

/** Appends one batch; must run inside a transaction on `client`. */
export async function appendBatch(client: pg.ClientBase, batch: IngestBatch): Promise<AppendResult> {
  const found = await client.query<PgRunRow>({
    name: "keystroke-lock-run",
    text: `SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = $1 FOR UPDATE`,
    values: [batch.runId],
  });
  const row = found.rows[0];
  const before = row ? foldedRunRow(row) : undefined;
  const stored = row ? { runNo: row.run_no, triggeredAt: row.triggered_at } : undefined;
  const rows = new BatchRows();
  if (stored) {
    await loadRunState(client, stored, batch.events, rows);
  } else {
    rows.nextLogIdx = 0;
    rows.nextStepOrd = 0;
  }
  // The run as folded so far: one copy per batch, made at the first new event.
  let draft: FoldedRun | undefined;
  const events: StoredEvent[] = [];
  let duplicates = 0;
  const absorbed: RunSummary[] = [];
  const moves = new MessageMoves();
  let movedMessages = false;

  const accept = async (event: RunEvent, index: number, given?: string): Promise<void> => {
    try {
      if (rows.knownEventIds.has(event.eventId)) {
        duplicates++;
        if (event.type === "message.added") {
          const current = draft ?? before;
          if (
            current !== undefined &&
            rows.moveEarlier(event.message.id, toMillis(event.time), () => moves.next(current.lastSeq))
          ) {
            movedMessages = true;
          }
        }
        return;
      }
      rows.knownEventIds.add(event.eventId);
      const current = draft ?? before;
      const seq = (current?.lastSeq ?? 0) + 1;
      // The stored body leaves out what its row already says: the run.
      const body = given ?? storedBody(event);
      const storedEvent = asStored(event, batch.runId, seq, given !== undefined);
      if (current === undefined) {
        draft = reduceRun(undefined, storedEvent);
      } else {
        draft ??= { ...current };
        rows.project(storedEvent, draft.messageCount);
        applyEvent(draft, storedEvent);
      }
      rows.events.push({ seq, eventId: event.eventId, body });
      events.push(storedEvent);
    } catch (thrown) {
      throw atEvent(thrown, index, event);
    }
    if (event.type === "run.absorbed" && draft !== undefined) {
      const moved = await absorbRun(client, event.fromRunId, draft);
      if (moved === undefined) return;
      if (stored) await loadRunState(client, stored, moved.events, rows);
      for (const movedEvent of moved.events) await accept(movedEvent, index);
      absorbed.push(moved.run);
    }
  };
  const bodies = givenBodies(batch);
  for (const [index, event] of batch.events.entries()) await accept(event, index, bodies?.[index]);

  const after = draft ?? before;
  if (after === undefined) throw new KeystrokeError("internal", `Batch for ${batch.runId} produced no run`);
  // A batch of events already stored may still have moved messages to an earlier time.
  if (draft === undefined && movedMessages) draft = { ...after };
  if (draft !== undefined) {
    const runNo = await writeBatch(client, stored?.runNo, before, draft, rows);
    if (runNo === undefined) throw new RunCreatedConcurrently(batch.runId);
  }
  const result: AppendResult = { runId: batch.runId, events, duplicates, run: splitDetail(after).summary };
  if (absorbed.length > 0) result.absorbed = absorbed;
  return result;
}
