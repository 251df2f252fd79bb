import type { RunDetail, RunSummary } from "@keystroke/core";

/** The part of a run's detail kept out of the History row: payloads and links. */
export interface RunPayload {
  input: unknown;
  output: unknown;
  error: RunDetail["error"];
  childRunIds: string[];
  /** Absent in rows written before workflows recorded waits. */
  wait?: RunDetail["wait"];
}

export interface RunRow {
  run_no: number;
  summary: string;
  payload: string;
}

/** Room for 2^24 messages per run inside one FTS rowid (see migrations.ts). */
export const MESSAGES_PER_RUN = 2 ** 24;

export function splitDetail(detail: RunDetail): { summary: RunSummary; payload: RunPayload } {
  const { input, output, error, childRunIds, wait, ...summary } = detail;
  return { summary, payload: { input, output, error, childRunIds, wait } };
}

export function joinDetail(row: RunRow): RunDetail {
  const payload = JSON.parse(row.payload) as RunPayload;
  return { ...(JSON.parse(row.summary) as RunSummary), ...payload, wait: payload.wait ?? null };
}

export function payloadChanged(before: RunDetail, after: RunDetail): boolean {
  return (
    before.input !== after.input ||
    before.output !== after.output ||
    before.error !== after.error ||
    before.childRunIds !== after.childRunIds ||
    before.wait !== after.wait
  );
}
