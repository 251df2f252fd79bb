/**
 * The write path of the SQLite store: one batch of one run's events, inside the caller's
 * transaction. Each event gets the run's next sequence number, is dropped if its eventId is
 * already stored, is written once to `events`, is keyed into its projection (messages +
 * full-text index, spans, logs; steps, which change, keep their own body), and is folded into
 * the run's detail; the History row is written once per batch.
 *
 * Rows go many per statement (RowWriter). A group of batches written in one transaction (say, an
 * OTLP request: dozens of one-run batches) may leave its rows waiting until the group's end
 * (`append(batch, true)`, then `flushAll`), so its new runs' rows share statements too; rows wait
 * only while nothing reads them: a batch of a run whose rows wait, and an absorbed run, write
 * everything first.
 */
import {
  applyEvent,
  asStored,
  type FoldedRun,
  givenBodies,
  type IngestBatch,
  KeystrokeError,
  type MessagePart,
  messageText,
  type RunDetail,
  type RunEvent,
  type RunSummary,
  reduceRun,
  type StoredEvent,
  storedBody,
  toKeystrokeError,
  toMillis,
} from "@keystroke/core";
import type Database from "better-sqlite3";
import { addedOrd, MessageMoves } from "../message-order.js";
import type { AppendResult, StoredStep } from "../run-store.js";
import { RowWriter } from "./row-writer.js";
import { foldedRun, MESSAGES_PER_RUN, payloadChanged, type RunRow, splitDetail } from "./rows.js";
import { RunAbsorber } from "./run-absorber.js";

/** The stored body of a `message.added` event, as far as re-indexing a message needs it. */
interface MessageAddedBody {
  message: { parts: MessagePart[] };
}

export class EventAppender {
  private readonly selectRun: Database.Statement<[string], RunRow>;
  private readonly runs: RowWriter;
  private readonly updateRun: Database.Statement;
  private readonly updateRunWithPayload: Database.Statement;
  private readonly events: RowWriter;
  private readonly spans: RowWriter;
  private readonly logs: RowWriter;
  private readonly ftsQueue: RowWriter;
  private readonly selectEventIds: Database.Statement<[number, string], { event_id: string }>;
  private readonly models: RowWriter;
  private readonly services: RowWriter;
  private readonly insertMessage: Database.Statement;
  /**
   * Messages of a run created in the same batch: no row of the run can exist yet, so a message id
   * used twice is found in memory (`newMessageIds`) and the rows go many per statement, like events.
   */
  private readonly newMessages: RowWriter;
  private readonly newMessageIds = new Set<string>();
  private readonly selectMessage: Database.Statement<
    [number, string],
    { idx: number; parts_added: string | null; body: string }
  >;
  private readonly updateMessage: Database.Statement;
  /** A stored message said again with an earlier time moves there (message-order.ts). */
  private readonly selectMessageTime: Database.Statement<[number, string], { at_ms: number }>;
  private readonly moveMessage: Database.Statement;
  /** Messages queued for the full-text index since the last flush. */
  pendingFts = 0;
  private readonly nextLogIdx: Database.Statement<[number], { next: number }>;
  private readonly selectStep: Database.Statement<[number, string], { body: string }>;
  private readonly nextStepOrd: Database.Statement<[number], { next: number }>;
  private readonly insertStep: Database.Statement;
  private readonly updateStep: Database.Statement;
  private readonly absorber: RunAbsorber;
  private readonly nextRunNo: Database.Statement<[], { next: number }>;
  /** Every writer, in the order their rows are written. */
  private readonly writers: RowWriter[];
  /** Runs some of whose rows wait in the writers (a deferred append's). */
  private readonly waitingRuns = new Set<string>();
  /** The number of the last new run whose History row waits, if any. */
  private lastWaitingRunNo: number | undefined;

  constructor(db: Database.Database) {
    this.absorber = new RunAbsorber(db);
    this.nextRunNo = db.prepare("SELECT COALESCE(MAX(run_no), 0) + 1 AS next FROM runs");
    this.selectRun = db.prepare("SELECT run_no, summary, payload FROM runs WHERE run_id = ?");
    this.runs = new RowWriter(
      db,
      `INSERT INTO runs (run_no, run_id, kind, slug, status, project, session_id, source, trigger, actor_id, parent_run_id,
         triggered_at, total_cost, message_count, step_count, last_seq, summary, payload)`,
      18,
    );
    const setColumns = `slug = @slug, status = @status, total_cost = @totalCost, message_count = @messageCount,
      step_count = @stepCount, last_seq = @lastSeq, summary = @summary`;
    this.updateRun = db.prepare(`UPDATE runs SET ${setColumns} WHERE run_no = @runNo`);
    this.updateRunWithPayload = db.prepare(`UPDATE runs SET ${setColumns}, payload = @payload WHERE run_no = @runNo`);
    this.events = new RowWriter(db, "INSERT INTO events (run_no, seq, event_id, body)", 4);
    this.selectEventIds = db.prepare(
      "SELECT event_id FROM events WHERE run_no = ? AND event_id IN (SELECT value FROM json_each(?))",
    );
    this.models = new RowWriter(db, "INSERT OR IGNORE INTO run_models (model, triggered_at, run_id, run_no)", 4);
    this.services = new RowWriter(db, "INSERT OR IGNORE INTO run_services (service, triggered_at, run_id, run_no)", 4);
    this.insertMessage = db.prepare(
      "INSERT OR IGNORE INTO messages (run_no, at_ms, ord, idx, message_id, seq) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.newMessages = new RowWriter(db, "INSERT INTO messages (run_no, at_ms, ord, idx, message_id, seq)", 6);
    this.selectMessageTime = db.prepare("SELECT at_ms FROM messages WHERE run_no = ? AND message_id = ?");
    this.moveMessage = db.prepare("UPDATE messages SET at_ms = ?, ord = ? WHERE run_no = ? AND message_id = ?");
    this.selectMessage = db.prepare(
      `SELECT m.idx, m.parts_added, e.body FROM messages m JOIN events e ON e.run_no = m.run_no AND e.seq = m.seq
       WHERE m.run_no = ? AND m.message_id = ?`,
    );
    this.updateMessage = db.prepare("UPDATE messages SET parts_added = ? WHERE run_no = ? AND message_id = ?");
    this.ftsQueue = new RowWriter(
      db,
      "INSERT INTO messages_fts_pending (fts_rowid, text, replaces)",
      3,
      "ON CONFLICT (fts_rowid) DO UPDATE SET text = excluded.text, replaces = MAX(replaces, excluded.replaces)",
    );
    this.spans = new RowWriter(db, "INSERT OR REPLACE INTO spans (run_no, span_id, start_ms, seq)", 4);
    this.nextLogIdx = db.prepare("SELECT COALESCE(MAX(idx), -1) + 1 AS next FROM logs WHERE run_no = ?");
    this.logs = new RowWriter(db, "INSERT INTO logs (run_no, idx, seq)", 3);
    this.selectStep = db.prepare("SELECT body FROM steps WHERE run_no = ? AND step_id = ?");
    this.nextStepOrd = db.prepare("SELECT COALESCE(MAX(ord), -1) + 1 AS next FROM steps WHERE run_no = ?");
    this.insertStep = db.prepare("INSERT INTO steps (run_no, step_id, ord, body) VALUES (?, ?, ?, ?)");
    this.updateStep = db.prepare("UPDATE steps SET body = ? WHERE run_no = ? AND step_id = ?");
    this.writers = [
      this.events,
      this.newMessages,
      this.spans,
      this.logs,
      this.ftsQueue,
      this.runs,
      this.models,
      this.services,
    ];
  }

  /** Writes every waiting row (the end of a group of deferred appends). */
  flushAll(): void {
    try {
      for (const writer of this.writers) writer.flush();
    } catch (thrown) {
      this.discardRows();
      throw thrown;
    }
    this.waitingRuns.clear();
    this.lastWaitingRunNo = undefined;
  }

  /**
   * Appends one batch; must run inside a transaction. `deferred`: its rows may wait until
   * `flushAll`, which must then be called before the transaction commits.
   */
  append(batch: IngestBatch, deferred = false): AppendResult {
    try {
      return this.appendBatch(batch, deferred);
    } catch (thrown) {
      // The transaction (or this batch's savepoint) rolls back: no row of it may be written later.
      this.discardRows();
      throw thrown;
    }
  }

  private appendBatch(batch: IngestBatch, deferred: boolean): AppendResult {
    // What this batch reads of its run must be written first.
    if (this.waitingRuns.has(batch.runId)) this.flushAll();
    const row = this.selectRun.get(batch.runId);
    const before = row ? foldedRun(row) : undefined;
    let runNo = row?.run_no;
    // The run as folded so far: one copy per batch, made at the first new event.
    let draft: FoldedRun | undefined;
    let nextLogIdx: number | undefined;
    const stored: StoredEvent[] = [];
    let duplicates = 0;
    const absorbed: RunSummary[] = [];
    let created = false;
    this.newMessageIds.clear();

    // Duplicates are found up front (one query for a run that already has events), so the new
    // events can be written many rows per statement.
    const known = runNo === undefined ? new Set<string>() : this.storedEventIds(runNo, batch);
    const moves = new MessageMoves();

    const accept = (event: RunEvent, index: number, given?: string): void => {
      try {
        if (known.has(event.eventId)) {
          duplicates++;
          if (event.type === "message.added" && runNo !== undefined) {
            // The message may have been added earlier in this batch, its row still waiting.
            if (created) this.newMessages.flush();
            this.moveEarlier(runNo, event.message.id, toMillis(event.time), () =>
              moves.next(((draft ?? before) as RunDetail).lastSeq),
            );
          }
          return;
        }
        known.add(event.eventId);
        const seq = ((draft ?? before)?.lastSeq ?? 0) + 1;
        // The stored body leaves out what its row already says: the run (the sequence number is
        // added to storedEvent only). A producer may have serialized it already (IngestBatch.bodies).
        const body = given ?? storedBody(event);
        const storedEvent = asStored(event, batch.runId, seq, given !== undefined);
        if (runNo === undefined) {
          draft = reduceRun(undefined, storedEvent);
          // The run's row is written once, at the end of the batch, with what the batch made of it.
          runNo =
            this.lastWaitingRunNo === undefined
              ? (this.nextRunNo.get() as { next: number }).next
              : this.lastWaitingRunNo + 1;
          created = true;
          this.events.add(runNo, seq, event.eventId, body);
        } else {
          this.events.add(runNo, seq, event.eventId, body);
          // Re-indexing a message reads the event that added it, which may still be waiting here.
          if (event.type === "message.part_added") this.flushAll();
          draft ??= { ...(before as RunDetail) };
          this.project(runNo, storedEvent, draft, created, () => {
            nextLogIdx ??= (this.nextLogIdx.get(runNo as number) as { next: number }).next;
            return nextLogIdx++;
          });
          applyEvent(draft, storedEvent);
        }
        stored.push(storedEvent);
      } catch (thrown) {
        throw atEvent(thrown, index, event);
      }
      if (event.type === "run.absorbed" && runNo !== undefined) {
        // The absorbed run is read and deleted, whichever of its rows wait.
        if (this.waitingRuns.size > 0) this.flushAll();
        const moved = this.absorber.take(event.fromRunId, runNo, (draft ?? before) as RunDetail);
        if (moved === undefined) return;
        for (const id of this.storedEventIds(runNo, { runId: batch.runId, events: moved.events })) known.add(id);
        for (const movedEvent of moved.events) accept(movedEvent, index);
        absorbed.push(moved.run);
      }
    };
    const bodies = givenBodies(batch);
    for (const [index, event] of batch.events.entries()) accept(event, index, bodies?.[index]);

    const after = draft ?? before;
    if (after === undefined || runNo === undefined) {
      throw new KeystrokeError("internal", `Batch for ${batch.runId} produced no run`);
    }
    if (created) this.createRun(runNo, after);
    else if (draft !== undefined) this.writeRun(runNo, before, draft);
    if (deferred) {
      // A batch that added nothing (a retry) leaves no row waiting.
      if (stored.length > 0) this.waitingRuns.add(batch.runId);
      if (created) this.lastWaitingRunNo = runNo;
    } else {
      this.flushAll();
    }
    const result: AppendResult = { runId: batch.runId, events: stored, duplicates, run: splitDetail(after).summary };
    if (absorbed.length > 0) result.absorbed = absorbed;
    return result;
  }

  /** Forgets every waiting row (the transaction is being rolled back). */
  private discardRows(): void {
    for (const writer of this.writers) writer.discard();
    this.waitingRuns.clear();
    this.lastWaitingRunNo = undefined;
  }

  private storedEventIds(runNo: number, batch: IngestBatch): Set<string> {
    const ids = JSON.stringify(batch.events.map((e) => e.eventId));
    return new Set(this.selectEventIds.all(runNo, ids).map((row) => row.event_id));
  }

  private createRun(runNo: number, detail: FoldedRun): void {
    const { summary, payload } = splitDetail(detail);
    this.runs.add(
      runNo,
      detail.runId,
      detail.kind,
      detail.slug,
      detail.status,
      detail.project,
      detail.sessionId,
      detail.source,
      detail.trigger,
      detail.actor.id,
      detail.parentRunId,
      toMillis(detail.triggeredAt),
      detail.totalCost,
      detail.messageCount,
      detail.stepCount,
      detail.lastSeq,
      JSON.stringify(summary),
      JSON.stringify(payload),
    );
    this.indexModels(runNo, undefined, detail);
  }

  private writeRun(runNo: number, before: FoldedRun | undefined, after: FoldedRun): void {
    const { summary, payload } = splitDetail(after);
    const values = {
      runNo,
      slug: after.slug,
      status: after.status,
      totalCost: after.totalCost,
      messageCount: after.messageCount,
      stepCount: after.stepCount,
      lastSeq: after.lastSeq,
      summary: JSON.stringify(summary),
    };
    if (before === undefined || payloadChanged(before, after)) {
      this.updateRunWithPayload.run({ ...values, payload: JSON.stringify(payload) });
    } else {
      this.updateRun.run(values);
    }
    this.indexModels(runNo, before, after);
  }

  /** The rows that let History filter by model and service. */
  private indexModels(runNo: number, before: RunDetail | undefined, after: RunDetail): void {
    const triggeredAt = toMillis(after.triggeredAt);
    if (before?.models !== after.models) {
      for (const model of after.models) this.models.add(model, triggeredAt, after.runId, runNo);
    }
    if (before?.services !== after.services) {
      for (const service of after.services) this.services.add(service, triggeredAt, after.runId, runNo);
    }
  }

  /** Writes the projection of one event (the conversation, the trace, the steps), before it is folded into `run`. */
  private project(runNo: number, event: StoredEvent, run: RunDetail, newRun: boolean, nextLog: () => number): void {
    switch (event.type) {
      case "message.added": {
        const idx = run.messageCount;
        if (idx >= MESSAGES_PER_RUN) {
          throw new KeystrokeError("invalid_input", `A run holds at most ${MESSAGES_PER_RUN} messages`);
        }
        const { message } = event;
        // Read back in the time it was said (message-order.ts).
        const atMs = toMillis(event.time);
        const ord = addedOrd(event.seq);
        const inserted = newRun
          ? this.addNewMessage(runNo, atMs, ord, idx, message.id, event.seq)
          : this.insertMessage.run(runNo, atMs, ord, idx, message.id, event.seq).changes > 0;
        if (!inserted) {
          throw new KeystrokeError("conflict", `Message ${message.id} already exists in run ${event.runId}`, {
            hint: "Give every message of a run its own id; add parts to an existing message with message.part_added",
          });
        }
        this.index(runNo, idx, messageText(message.parts), false);
        return;
      }
      case "message.part_added": {
        const found = this.selectMessage.get(runNo, event.messageId);
        if (!found) {
          throw new KeystrokeError("invalid_input", `No message ${event.messageId} in run ${event.runId}`, {
            hint: "Add the message with message.added before adding parts to it",
            details: { field: "messageId" },
          });
        }
        const added = [...(found.parts_added ? (JSON.parse(found.parts_added) as MessagePart[]) : []), event.part];
        this.updateMessage.run(JSON.stringify(added), runNo, event.messageId);
        if (event.part.type === "text" || event.part.type === "thought") {
          const original = (JSON.parse(found.body) as MessageAddedBody).message.parts;
          this.index(runNo, found.idx, messageText([...original, ...added]), true);
        }
        return;
      }
      case "span.recorded":
        this.spans.add(runNo, event.span.spanId, toMillis(event.span.startTime), event.seq);
        return;
      case "log.recorded":
        this.logs.add(runNo, nextLog(), event.seq);
        return;
      case "step.started": {
        const step: StoredStep = {
          runId: event.runId,
          stepId: event.stepId,
          name: event.name,
          kind: event.kind,
          attempt: event.attempt,
          childRunId: event.childRunId ?? null,
          status: "running",
          startedAt: event.time,
          finishedAt: null,
          input: event.input ?? null,
          output: null,
          error: null,
        };
        if (this.selectStep.get(runNo, event.stepId)) {
          this.updateStep.run(JSON.stringify(step), runNo, event.stepId);
        } else {
          this.insertStep.run(
            runNo,
            event.stepId,
            (this.nextStepOrd.get(runNo) as { next: number }).next,
            JSON.stringify(step),
          );
        }
        return;
      }
      case "step.finished": {
        const found = this.selectStep.get(runNo, event.stepId);
        if (!found) {
          throw new KeystrokeError("invalid_input", `No step ${event.stepId} in run ${event.runId}`, {
            hint: "Send step.started before step.finished",
            details: { field: "stepId" },
          });
        }
        const step = JSON.parse(found.body) as StoredStep;
        const finished: StoredStep = {
          ...step,
          status: event.status,
          attempt: Math.max(step.attempt, event.attempt),
          finishedAt: event.time,
          output: event.output ?? null,
          error: event.error ?? null,
        };
        this.updateStep.run(JSON.stringify(finished), runNo, event.stepId);
        return;
      }
      default:
        return;
    }
  }

  /** Moves stored message `messageId` to `atMs`, at the place `ord` gives, when that is earlier. */
  private moveEarlier(runNo: number, messageId: string, atMs: number, ord: () => number): void {
    const found = this.selectMessageTime.get(runNo, messageId);
    if (found !== undefined && atMs < found.at_ms) this.moveMessage.run(atMs, ord(), runNo, messageId);
  }

  /** Queues a message row of a run created in this batch; false if its id is taken. */
  private addNewMessage(
    runNo: number,
    atMs: number,
    ord: number,
    idx: number,
    messageId: string,
    seq: number,
  ): boolean {
    if (this.newMessageIds.has(messageId)) return false;
    this.newMessageIds.add(messageId);
    this.newMessages.add(runNo, atMs, ord, idx, messageId, seq);
    return true;
  }

  private index(runNo: number, idx: number, text: string, replaces: boolean): void {
    if (text === "" && !replaces) return;
    this.ftsQueue.add(runNo * MESSAGES_PER_RUN + idx, text, replaces ? 1 : 0);
    this.pendingFts++;
  }
}

/** Names the event a failure came from: `events[3] (message.part_added): …`. */
function atEvent(thrown: unknown, index: number, event: RunEvent): KeystrokeError {
  const error = toKeystrokeError(thrown);
  const field = (error.details as { field?: string } | undefined)?.field;
  const path = field ? `events[${index}].${field}` : `events[${index}]`;
  return new KeystrokeError(error.code, `${path} (${event.type}): ${error.message}`, {
    hint: error.hint,
    details: { problems: [{ path, message: error.message }], eventId: event.eventId },
    cause: error,
  });
}
