/**
 * The text of each History column (core's column catalog) for one run, as a terminal shows it.
 * The list table shows some columns; the run detail shows them all.
 */
import { type HistoryColumnId, historyColumns, isActiveStatus, type RunSummary } from "@keystroke/core";
import { formatCost, formatDuration, formatList, formatTime, kindLabel, statusLabel } from "./format-values.js";

/** One formatter per History column, keyed like core's historyColumns. */
export const historyCells: Record<HistoryColumnId, (run: RunSummary) => string> = {
  name: (r) => r.name,
  kind: (r) => kindLabel(r.kind),
  startedAt: (r) => formatTime(r.triggeredAt),
  actor: (r) => r.actor.name ?? r.actor.id,
  status: (r) => statusLabel(r.status),
  trigger: (r) => r.trigger,
  durationMs: (r) => formatDuration(runDuration(r)),
  project: (r) => r.project,
  runId: (r) => r.runId,
  queuedAt: (r) => formatTime(r.queuedAt),
  finishedAt: (r) => formatTime(r.finishedAt),
  models: (r) => formatList(r.models),
  services: (r) => formatList(r.services),
  totalCost: (r) => formatCost(r.totalCost),
  messageCount: (r) => String(r.messageCount),
  stepCount: (r) => String(r.stepCount),
  triggerValue: (r) => (typeof r.triggerValue === "string" ? r.triggerValue : (JSON.stringify(r.triggerValue) ?? "")),
};

/** The catalog label of a column, e.g. "Start time". */
export function columnLabel(id: HistoryColumnId): string {
  return historyColumns.find((c) => c.id === id)?.label ?? id;
}

/** Finished runs: start to finish. Active runs: so far. */
export function runDuration(run: RunSummary, now = Date.now()): number | null {
  if (run.durationMs !== null) return run.durationMs;
  if (run.startedAt === null || !isActiveStatus(run.status)) return null;
  return Math.max(0, now - Date.parse(run.startedAt));
}
