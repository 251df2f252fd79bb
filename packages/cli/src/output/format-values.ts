/**
 * How values read in a terminal: statuses and kinds by their catalog labels; durations, costs and
 * times in core's display formats, the same as the web page's.
 */
import { missingValue, type RunKind, type RunStatus, statusCatalog } from "@keystroke/core";

export { formatCost, formatDuration, formatTime } from "@keystroke/core";

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
  return values.length > 0 ? values.join(", ") : missingValue;
}
