/**
 * `run.absorbed` in the PostgreSQL store: another run of the same project turns out to be part of
 * this one (the OTLP receiver files a trace under a run of its own until the trace's conversation
 * id arrives). Inside the append's transaction the other run is locked, its events are deleted
 * and returned in order — to be appended to this run like any new event, so their projections,
 * rollups and duplicate checks are this run's — and every row naming it goes with them, in one
 * statement. Either all of it commits with the batch or none of it does.
 */
import type { RunDetail, RunEvent, RunSummary } from "@keystroke/core";
import type pg from "pg";
import { joinRunRow, type PgRunRow, RUN_COLUMNS, splitDetail } from "./run-rows.js";

/** What an absorbed run leaves: its events to append elsewhere, and its last History row. */
export interface AbsorbedRun {
  /** Oldest first, without its `run.created`. */
  events: RunEvent[];
  run: RunSummary;
}

const DELETE_RUN = `
  WITH ev AS (DELETE FROM events WHERE run_no = $1 AND triggered_at = $2 RETURNING seq, body),
  ms AS (DELETE FROM messages WHERE run_no = $1 AND triggered_at = $2),
  sp AS (DELETE FROM spans WHERE run_no = $1 AND triggered_at = $2),
  lg AS (DELETE FROM logs WHERE run_no = $1 AND triggered_at = $2),
  st AS (DELETE FROM steps WHERE run_no = $1 AND triggered_at = $2),
  mo AS (DELETE FROM run_models WHERE model = ANY($3::text[]) AND triggered_at = $2 AND run_id = $4),
  se AS (DELETE FROM run_services WHERE service = ANY($5::text[]) AND triggered_at = $2 AND run_id = $4),
  ru AS (DELETE FROM runs WHERE run_no = $1)
  SELECT body FROM ev ORDER BY seq`;

/**
 * Removes run `fromRunId` and returns its events, when it exists, is another run than `into`
 * and belongs to the same project; otherwise changes nothing.
 */
export async function absorbRun(
  client: pg.ClientBase,
  fromRunId: string,
  into: RunDetail,
): Promise<AbsorbedRun | undefined> {
  if (fromRunId === into.runId) return undefined;
  const found = await client.query<PgRunRow>({
    name: "keystroke-lock-run",
    text: `SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = $1 FOR UPDATE`,
    values: [fromRunId],
  });
  const row = found.rows[0];
  if (row === undefined) return undefined;
  const from = joinRunRow(row);
  if (from.project !== into.project) return undefined;
  const deleted = await client.query<{ body: RunEvent }>({
    name: "keystroke-absorb-run",
    text: DELETE_RUN,
    values: [row.run_no, row.triggered_at, from.models, fromRunId, from.services],
  });
  const events = deleted.rows.map((r) => r.body).filter((event) => event.type !== "run.created");
  return { events, run: splitDetail(from).summary };
}
