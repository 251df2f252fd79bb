import type { HistoryColumnId } from "@keystroke/core";
import type { CSSProperties, MouseEvent } from "react";
import type { RunSummary } from "../api/api";
import { navigate } from "../url/use-url";
import { cells } from "./history-cells";

function followLink(event: MouseEvent<HTMLAnchorElement>, href: string) {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(href);
}

/**
 * One run of the History table: a row of cells whose name cell links to the run. The link is the
 * row's stop in the Tab order when the row is the table's active one (roving tabindex), so ↑/↓
 * and Enter work on it.
 */
export function HistoryRow({
  run,
  index,
  columns,
  style,
  open,
  active,
  href,
  now,
}: {
  run: RunSummary;
  /** Its position in the whole list, from 0. */
  index: number;
  columns: readonly HistoryColumnId[];
  style: CSSProperties;
  /** Whether the run is the one open in the panel. */
  open: boolean;
  active: boolean;
  href: string;
  now: number;
}) {
  return (
    <tr
      aria-rowindex={index + 2}
      aria-current={open || undefined}
      className={open ? "table-row selected" : "table-row"}
      style={style}
      data-run-id={run.runId}
      data-status={run.status}
    >
      {columns.map((id) => (
        <td key={id} className={cells[id].align === "end" ? "end" : undefined}>
          {id === "name" ? (
            <a
              href={href}
              className="run-name"
              tabIndex={active ? 0 : -1}
              onClick={(e) => followLink(e, href)}
              title={run.errorSummary ?? run.slug}
            >
              {run.name}
            </a>
          ) : (
            cells[id].render(run, now)
          )}
        </td>
      ))}
    </tr>
  );
}
