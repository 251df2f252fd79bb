/** How values read in a terminal: statuses and kinds by their catalog labels, short durations and costs. */
import { type RunKind, type RunStatus, statusCatalog } from "@keystroke/core";

/** `850ms`, `1.2s`, `3m 05s`, `2h 03m`; "—" when unknown. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${pad2(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h ${pad2(Math.floor(seconds / 60) % 60)}m`;
}

/** USD with four decimals: `$0.0123`. */
export function formatCost(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/** A local time such as `2026-11-28 10:00:03`; "—" when absent. */
export function formatTime(iso: string | null): string {
  if (iso === null) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  return `${date} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** The catalog label of a status, e.g. "Waiting on hook". */
export function statusLabel(status: RunStatus): string {
  return statusCatalog[status]?.label ?? status;
}

/** "Agent" or "Workflow". */
export function kindLabel(kind: RunKind): string {
  return kind === "agent" ? "Agent" : "Workflow";
}

/** A list, or "—" when empty. */
export function formatList(values: readonly string[]): string {
  return values.length > 0 ? values.join(", ") : "—";
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}
