/**
 * How each History column shows a run: one renderer per column of the core catalog, with the
 * grid width it takes.
 */
import { type HistoryColumnId, isActiveStatus } from "@keystroke/core";
import type { ReactNode } from "react";
import type { RunSummary } from "../api/api";
import {
  formatCost,
  formatCount,
  formatDuration,
  formatFullTime,
  formatInline,
  formatRelative,
  formatTime,
} from "../format/format";
import { StatusBadge } from "../ui/status-badge";

export interface Cell {
  width: string;
  align?: "end";
  render(run: RunSummary, now: number): ReactNode;
}

const kindLabel = { agent: "Agent", workflow: "Workflow" } as const;

function Time({ iso, now }: { iso: string | null; now: number }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <span title={formatFullTime(iso)}>
      {formatTime(iso)} <span className="muted small">{formatRelative(iso, now)}</span>
    </span>
  );
}

/** The duration of a finished run, or the time so far of an active one. */
export function runDuration(run: RunSummary, now: number): number | null {
  if (run.durationMs !== null) return run.durationMs;
  if (run.startedAt !== null && isActiveStatus(run.status)) return Math.max(0, now - Date.parse(run.startedAt));
  return null;
}

const list = (values: readonly string[]) =>
  values.length === 0 ? <span className="muted">—</span> : <span title={values.join(", ")}>{values.join(", ")}</span>;

export const cells: Record<HistoryColumnId, Cell> = {
  name: { width: "minmax(180px, 2fr)", render: () => null },
  kind: { width: "90px", render: (run) => <span className={`kind kind-${run.kind}`}>{kindLabel[run.kind]}</span> },
  startedAt: { width: "minmax(200px, 1.3fr)", render: (run, now) => <Time iso={run.triggeredAt} now={now} /> },
  actor: {
    width: "minmax(110px, 1fr)",
    render: (run) => <span title={`${run.actor.type}: ${run.actor.id}`}>{run.actor.name ?? run.actor.id}</span>,
  },
  status: { width: "150px", render: (run) => <StatusBadge status={run.status} /> },
  trigger: { width: "minmax(110px, 1fr)", render: (run) => run.trigger },
  durationMs: {
    width: "90px",
    align: "end",
    render: (run, now) => <span className="num">{formatDuration(runDuration(run, now))}</span>,
  },
  project: { width: "minmax(90px, 0.8fr)", render: (run) => run.project },
  runId: { width: "250px", render: (run) => <code className="small">{run.runId}</code> },
  queuedAt: { width: "minmax(190px, 1.3fr)", render: (run, now) => <Time iso={run.queuedAt} now={now} /> },
  finishedAt: { width: "minmax(190px, 1.3fr)", render: (run, now) => <Time iso={run.finishedAt} now={now} /> },
  models: { width: "minmax(140px, 1fr)", render: (run) => list(run.models) },
  services: { width: "minmax(120px, 1fr)", render: (run) => list(run.services) },
  totalCost: { width: "90px", align: "end", render: (run) => <span className="num">{formatCost(run.totalCost)}</span> },
  messageCount: {
    width: "90px",
    align: "end",
    render: (run) => <span className="num">{formatCount(run.messageCount)}</span>,
  },
  stepCount: {
    width: "70px",
    align: "end",
    render: (run) => <span className="num">{formatCount(run.stepCount)}</span>,
  },
  triggerValue: {
    width: "minmax(160px, 1.2fr)",
    render: (run) => <code className="small">{formatInline(run.triggerValue)}</code>,
  },
};
