/**
 * A `runs` row as the PostgreSQL store reads it. The History row (summary) and the payloads are
 * split and joined exactly as in the SQLite store, so both stores hand out the same RunDetail.
 */
import type { FoldedRun, RunDetail, RunSummary } from "@keystroke/core";
import { joinPayload, type RunPayload, shownRun } from "../sqlite/rows.js";

export { payloadChanged, splitDetail } from "../sqlite/rows.js";

export interface PgRunRow {
  run_no: number;
  run_id: string;
  triggered_at: number;
  summary: RunSummary;
  payload: RunPayload;
}

/** The columns of `runs` a PgRunRow holds. */
export const RUN_COLUMNS = "run_no, run_id, triggered_at, summary, payload";

/** The run as it is read back. */
export function joinRunRow(row: PgRunRow): RunDetail {
  return shownRun(foldedRunRow(row));
}

/** The run as the store folds it, with what the fold keeps beside its detail. */
export function foldedRunRow(row: PgRunRow): FoldedRun {
  return joinPayload(row.summary, row.payload);
}
