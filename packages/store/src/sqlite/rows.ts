import type { FoldedRun, LateTurns, RunDetail, RunSummary } from "@keystroke/core";

/** The part of a run's detail kept out of the History row: payloads and links. */
export interface RunPayload {
  input: unknown;
  output: unknown;
  error: RunDetail["error"];
  childRunIds: string[];
  /** Absent in rows written before workflows recorded waits. */
  wait?: RunDetail["wait"];
  /** The fold's own (FoldedRun), never read back: turns of a session delivered late, still open. */
  lateTurns?: LateTurns;
  /** The fold's own (FoldedRun), never read back: the turn whose end is an OpenTelemetry session's. */
  endTurn?: string;
}

export interface RunRow {
  run_no: number;
  summary: string;
  payload: string;
}

/** Room for 2^24 messages per run inside one FTS rowid (see migrations.ts). */
export const MESSAGES_PER_RUN = 2 ** 24;

export function splitDetail(detail: FoldedRun): { summary: RunSummary; payload: RunPayload } {
  const { input, output, error, childRunIds, wait, lateTurns, endTurn, ...summary } = detail;
  const payload: RunPayload = { input, output, error, childRunIds, wait };
  if (lateTurns !== undefined) payload.lateTurns = lateTurns;
  if (endTurn !== undefined) payload.endTurn = endTurn;
  return { summary, payload };
}

/** The run as the store folds it, with what the fold keeps beside its detail. */
export function foldedRun(row: RunRow): FoldedRun {
  return joinPayload(JSON.parse(row.summary) as RunSummary, JSON.parse(row.payload) as RunPayload);
}

/** The run as it is read back. */
export function joinDetail(row: RunRow): RunDetail {
  return shownRun(foldedRun(row));
}

export function joinPayload(summary: RunSummary, payload: RunPayload): FoldedRun {
  return { ...summary, ...payload, wait: payload.wait ?? null };
}

/** A folded run without what only the fold reads. */
export function shownRun(run: FoldedRun): RunDetail {
  if (run.lateTurns === undefined && run.endTurn === undefined) return run;
  const { lateTurns: _late, endTurn: _turn, ...detail } = run;
  return detail;
}

export function payloadChanged(before: FoldedRun, after: FoldedRun): boolean {
  return (
    before.input !== after.input ||
    before.output !== after.output ||
    before.error !== after.error ||
    before.childRunIds !== after.childRunIds ||
    before.wait !== after.wait ||
    before.lateTurns !== after.lateTurns ||
    before.endTurn !== after.endTurn
  );
}
