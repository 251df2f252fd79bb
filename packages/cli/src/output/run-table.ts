/**
 * History rows as a terminal table, with the column labels of core's column catalog (the same
 * labels the web History table shows) plus the run ID, which the CLI needs to open a run.
 */
import type { HistoryColumnId, RunSummary } from "@keystroke/core";
import { columnLabel, historyCells } from "./history-cells.js";
import { renderTable, type TableColumn } from "./render-table.js";

const rightAligned = new Set<HistoryColumnId>(["durationMs", "totalCost", "messageCount", "stepCount"]);

function column(id: HistoryColumnId): TableColumn<RunSummary> {
  return { label: columnLabel(id), cell: historyCells[id], align: rightAligned.has(id) ? "right" : "left" };
}

const historyTable = (
  ["runId", "name", "kind", "startedAt", "actor", "status", "trigger", "durationMs", "project"] as const
).map(column);

const sessionTable: TableColumn<RunSummary>[] = [
  { label: "Session", cell: (r) => r.sessionId ?? "—" },
  ...(["status", "startedAt", "durationMs", "messageCount", "totalCost", "runId"] as const).map(column),
];

const workflowRunTable = (["runId", "status", "startedAt", "durationMs", "stepCount", "trigger", "actor"] as const).map(
  column,
);

/** `keystroke history list` on a terminal. */
export function renderRunTable(runs: readonly RunSummary[], nextCursor: string | null): string {
  if (runs.length === 0) return "No runs match.";
  return withMore(renderTable(historyTable, runs), nextCursor);
}

/** `keystroke agents sessions list` on a terminal. */
export function renderSessionTable(sessions: readonly RunSummary[], nextCursor: string | null): string {
  if (sessions.length === 0) return "No sessions match.";
  return withMore(renderTable(sessionTable, sessions), nextCursor);
}

/** `keystroke workflows runs list` on a terminal. */
export function renderWorkflowRunTable(runs: readonly RunSummary[], nextCursor: string | null): string {
  if (runs.length === 0) return "No runs match.";
  return withMore(renderTable(workflowRunTable, runs), nextCursor);
}

function withMore(table: string, nextCursor: string | null): string {
  return nextCursor === null ? table : `${table}\n\nMore: --cursor ${nextCursor}`;
}
