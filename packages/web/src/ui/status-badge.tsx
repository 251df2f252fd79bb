import { type RunStatus, statusCatalog } from "@keystroke/core";
import "./status-badge.css";

/** A run status as a dot and its label, coloured by the catalog's tone. */
export function StatusBadge({ status }: { status: RunStatus }) {
  const info = statusCatalog[status];
  return (
    <span className={`status status-${info.tone}`} title={info.description} data-status={status}>
      <span className={info.group === "active" ? "status-dot pulse" : "status-dot"} aria-hidden="true" />
      {info.label}
    </span>
  );
}
