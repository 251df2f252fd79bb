/**
 * `run.absorbed` in the SQLite store: another run of the same project turns out to be part of
 * this one (the OTLP receiver files a trace under a run of its own until the trace's conversation
 * id arrives). Inside the append's transaction, the other run's events are read in order and
 * handed back to be appended to this run like any new event — so their projections, rollups and
 * duplicate checks are this run's — and the other run is deleted with every row that names it,
 * full-text entries included. Either all of it commits with the batch or none of it does.
 */
import { type RunDetail, type RunEvent, type RunSummary, toMillis } from "@keystroke/core";
import type Database from "better-sqlite3";
import { joinDetail, MESSAGES_PER_RUN, type RunRow, splitDetail } from "./rows.js";

/** What an absorbed run leaves: its events to append elsewhere, and its last History row. */
export interface AbsorbedRun {
  /** Oldest first, without its `run.created`. */
  events: RunEvent[];
  run: RunSummary;
}

export class RunAbsorber {
  private readonly selectRun: Database.Statement<[string], RunRow>;
  private readonly selectEvents: Database.Statement<[number], { body: string }>;
  private readonly deletes: Database.Statement[];
  private readonly deleteFts: Database.Statement[];
  private readonly deleteModel: Database.Statement;
  private readonly deleteService: Database.Statement;

  constructor(db: Database.Database) {
    this.selectRun = db.prepare("SELECT run_no, summary, payload FROM runs WHERE run_id = ?");
    this.selectEvents = db.prepare("SELECT body FROM events WHERE run_no = ? ORDER BY seq");
    this.deletes = ["events", "messages", "spans", "logs", "steps", "runs"].map((table) =>
      db.prepare(`DELETE FROM ${table} WHERE run_no = ?`),
    );
    this.deleteFts = [
      db.prepare("DELETE FROM messages_fts WHERE rowid >= ? AND rowid < ?"),
      db.prepare("DELETE FROM messages_fts_pending WHERE fts_rowid >= ? AND fts_rowid < ?"),
    ];
    this.deleteModel = db.prepare("DELETE FROM run_models WHERE model = ? AND triggered_at = ? AND run_id = ?");
    this.deleteService = db.prepare("DELETE FROM run_services WHERE service = ? AND triggered_at = ? AND run_id = ?");
  }

  /**
   * Removes run `fromRunId` and returns its events, when it exists, is another run than
   * `intoRunNo` and belongs to the same project as `into`; otherwise changes nothing.
   */
  take(fromRunId: string, intoRunNo: number, into: RunDetail): AbsorbedRun | undefined {
    const row = this.selectRun.get(fromRunId);
    if (row === undefined || row.run_no === intoRunNo) return undefined;
    const from = joinDetail(row);
    if (from.project !== into.project) return undefined;
    const events: RunEvent[] = [];
    for (const { body } of this.selectEvents.all(row.run_no)) {
      const event = JSON.parse(body) as RunEvent;
      if (event.type !== "run.created") events.push(event);
    }
    for (const statement of this.deletes) statement.run(row.run_no);
    const first = row.run_no * MESSAGES_PER_RUN;
    for (const statement of this.deleteFts) statement.run(first, first + MESSAGES_PER_RUN);
    const triggeredAt = toMillis(from.triggeredAt);
    for (const model of from.models) this.deleteModel.run(model, triggeredAt, fromRunId);
    for (const service of from.services) this.deleteService.run(service, triggeredAt, fromRunId);
    return { events, run: splitDetail(from).summary };
  }
}
