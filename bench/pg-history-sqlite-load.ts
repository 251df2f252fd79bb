/**
 * Writes generated runs' rows (pg-history-rows.ts) to a SQLite store's file: the rows the append
 * path writes, many per statement, in one transaction per chunk. Message text reaches the
 * full-text index as the store's own flushes put it there, 20,000 messages per statement.
 *
 * During the big load the writing happens on a worker thread (pg-history-sqlite-worker.ts), with
 * a connection of its own to the store's file, so that SQLite's CPU time does not hold up the
 * generation of runs and PostgreSQL's COPY on the main thread. The rows cross as plain tuples.
 */
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import { addedOrd } from "../packages/store/src/message-order.js";
import { RowWriter } from "../packages/store/src/sqlite/row-writer.js";
import { MESSAGES_PER_RUN } from "../packages/store/src/sqlite/rows.js";
import type { RunRows } from "./pg-history-rows.js";

type Field = string | number | null;

/** The rows of some runs as SQLite takes them: one tuple per row, per table. */
export interface SqliteRows {
  runs: Field[][];
  events: Field[][];
  messages: Field[][];
  fullText: Field[][];
  steps: Field[][];
  models: Field[][];
  services: Field[][];
}

export function sqliteRows(runs: readonly RunRows[]): SqliteRows {
  const out: SqliteRows = { runs: [], events: [], messages: [], fullText: [], steps: [], models: [], services: [] };
  for (const { runNo, detail: d, triggeredAt, summary, payload, ...rows } of runs) {
    out.runs.push([
      runNo,
      d.runId,
      d.kind,
      d.slug,
      d.status,
      d.project,
      d.sessionId,
      d.source,
      d.trigger,
      d.actor.id,
      d.parentRunId,
      triggeredAt,
      d.totalCost,
      d.messageCount,
      d.stepCount,
      d.lastSeq,
      summary,
      payload,
    ]);
    for (const event of rows.events) out.events.push([runNo, event.seq, event.eventId, event.body]);
    for (const message of rows.messages) {
      out.messages.push([runNo, message.atMs, addedOrd(message.seq), message.idx, message.id, message.seq]);
      if (message.text !== "") out.fullText.push([runNo * MESSAGES_PER_RUN + message.idx, message.text]);
    }
    for (const step of rows.steps) out.steps.push([runNo, step.id, step.ord, step.body]);
    for (const model of d.models) out.models.push([model, triggeredAt, d.runId, runNo]);
    for (const service of d.services) out.services.push([service, triggeredAt, d.runId, runNo]);
  }
  return out;
}

/** Messages the store indexes per full-text flush (FTS_FLUSH_AT in sqlite-run-store.ts). */
const FTS_FLUSH_AT = 20_000;

export class SqliteBulkWriter {
  private readonly writers: Record<Exclude<keyof SqliteRows, "fullText">, RowWriter>;
  private readonly fullText: RowWriter;
  private readonly pending: Field[][] = [];

  constructor(private readonly db: Database.Database) {
    this.writers = {
      runs: new RowWriter(
        db,
        `INSERT INTO runs (run_no, run_id, kind, slug, status, project, session_id, source, trigger, actor_id,
           parent_run_id, triggered_at, total_cost, message_count, step_count, last_seq, summary, payload)`,
        18,
      ),
      events: new RowWriter(db, "INSERT INTO events (run_no, seq, event_id, body)", 4),
      messages: new RowWriter(db, "INSERT INTO messages (run_no, at_ms, ord, idx, message_id, seq)", 6),
      steps: new RowWriter(db, "INSERT INTO steps (run_no, step_id, ord, body)", 4),
      models: new RowWriter(db, "INSERT INTO run_models (model, triggered_at, run_id, run_no)", 4),
      services: new RowWriter(db, "INSERT INTO run_services (service, triggered_at, run_id, run_no)", 4),
    };
    this.fullText = new RowWriter(db, "INSERT INTO messages_fts (rowid, text)", 2);
  }

  /** Writes rows inside the open transaction, beginning one if none is. */
  write(rows: SqliteRows): void {
    if (!this.db.inTransaction) this.db.exec("BEGIN");
    for (const [table, writer] of Object.entries(this.writers)) {
      for (const row of rows[table as keyof typeof this.writers]) writer.add(...row);
      writer.flush();
    }
    this.pending.push(...rows.fullText);
  }

  /** Commits what was written, then indexes waiting text once a flush's worth has gathered. */
  commit(): void {
    if (this.db.inTransaction) this.db.exec("COMMIT");
    if (this.pending.length >= FTS_FLUSH_AT) this.index();
  }

  /** Commits, and indexes every message still waiting. */
  finish(): void {
    if (this.db.inTransaction) this.db.exec("COMMIT");
    if (this.pending.length > 0) this.index();
  }

  private index(): void {
    this.db.exec("BEGIN");
    for (const row of this.pending) this.fullText.add(...row);
    this.fullText.flush();
    this.db.exec("COMMIT");
    this.pending.length = 0;
  }
}

export type SqliteWorkerMessage = { write: SqliteRows } | { commit: true } | { finish: true };

/** A SqliteBulkWriter on a worker thread; at most `window` messages wait for it at a time. */
export class SqliteWorkerWriter {
  private readonly worker: Worker;
  private readonly waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private readonly done: Promise<void>[] = [];
  private failure: Error | undefined;

  constructor(
    path: string,
    private readonly window = 8,
  ) {
    // A worker thread does not inherit the main thread's TypeScript loader: it registers tsx first.
    const source = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
      .then((tsx) => tsx.register())
      .then(() => import(${JSON.stringify(new URL("./pg-history-sqlite-worker.ts", import.meta.url).href)}))`;
    this.worker = new Worker(source, { eval: true, workerData: { path } });
    this.worker.on("message", () => this.waiting.shift()?.resolve());
    this.worker.on("error", (error) => {
      this.failure = error;
      for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    });
  }

  write(rows: SqliteRows): Promise<void> {
    return this.send({ write: rows });
  }

  commit(): Promise<void> {
    return this.send({ commit: true });
  }

  /** Commits and indexes the rest, waits for everything sent, and stops the worker. */
  async finish(): Promise<void> {
    await this.send({ finish: true });
    await Promise.all(this.done.splice(0));
    await this.worker.terminate();
  }

  private async send(message: SqliteWorkerMessage): Promise<void> {
    if (this.failure) throw this.failure;
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
    done.catch(() => undefined);
    this.done.push(done);
    this.worker.postMessage(message);
    while (this.done.length > this.window) await this.done.shift();
  }
}
