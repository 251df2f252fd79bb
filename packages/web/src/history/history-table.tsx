/**
 * The History table: a virtualised grid (only the rows on screen are in the DOM, whatever the
 * number loaded), with a sticky header, skeleton rows while loading and the next page fetched
 * as the reader nears the end. A next page that fails is not fetched again by itself (that would
 * loop as fast as the server fails): its row says so and offers a retry.
 */
import { type HistoryColumnId, historyColumns } from "@keystroke/core/catalog/columns";
import { useVirtualizer } from "@tanstack/react-virtual";
import { type MouseEvent, useEffect, useRef } from "react";
import type { RunSummary } from "../api/api";
import { useLoadNearEnd } from "../ui/use-load-near-end";
import { navigate } from "../url/use-url";
import { cells } from "./history-cells";

const ROW_HEIGHT = 40;
const labels = new Map(historyColumns.map((c) => [c.id, c.label]));

export interface HistoryTableProps {
  rows: readonly RunSummary[];
  columns: readonly HistoryColumnId[];
  loading: boolean;
  hasMore: boolean;
  loadingMore: boolean;
  moreFailed: boolean;
  selectedRunId: string | undefined;
  now: number;
  hrefOf(runId: string): string;
  onLoadMore(): void;
}

function followLink(event: MouseEvent<HTMLAnchorElement>, href: string) {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(href);
}

export function HistoryTable(props: HistoryTableProps) {
  const { rows, columns, loading, hasMore, loadingMore, moreFailed, selectedRunId, now, hrefOf, onLoadMore } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const template = columns.map((id) => cells[id].width).join(" ");
  const count = loading && rows.length === 0 ? 12 : rows.length + (hasMore ? 1 : 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  useLoadNearEnd(items.at(-1)?.index, rows.length, hasMore && !loadingMore && !moreFailed, onLoadMore, 20);

  // Only when the open run changes (↑/↓), not on every live update of the rows.
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  useEffect(() => {
    if (selectedRunId === undefined) return;
    const index = rowsRef.current.findIndex((r) => r.runId === selectedRunId);
    if (index !== -1) virtualizer.scrollToIndex(index, { align: "auto" });
  }, [selectedRunId, virtualizer]);

  return (
    <section className="table-scroll" ref={scroller} aria-label="Runs" aria-busy={loading}>
      <div className="table-head" style={{ gridTemplateColumns: template }}>
        {columns.map((id) => (
          <div key={id} className={cells[id].align === "end" ? "end" : undefined}>
            {labels.get(id)}
            {id === "startedAt" && (
              <span className="sort" title="Newest first">
                ↓
              </span>
            )}
          </div>
        ))}
      </div>
      <div
        className={loading && rows.length > 0 ? "table-body stale" : "table-body"}
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map((item) => {
          const run = rows[item.index];
          const style = { transform: `translateY(${item.start}px)`, gridTemplateColumns: template };
          if (run === undefined && moreFailed) {
            return (
              <div key={item.key} className="table-more" style={style} role="alert">
                Couldn't load more —
                <button type="button" className="link" onClick={onLoadMore}>
                  Retry
                </button>
              </div>
            );
          }
          if (run === undefined || (loading && rows.length === 0)) {
            return (
              <div key={item.key} className="table-row skeleton" style={style} aria-hidden="true">
                {columns.map((id) => (
                  <div key={id}>
                    <span className="bone" />
                  </div>
                ))}
              </div>
            );
          }
          const href = hrefOf(run.runId);
          return (
            <div
              key={run.runId}
              className={run.runId === selectedRunId ? "table-row selected" : "table-row"}
              style={style}
              data-run-id={run.runId}
              data-status={run.status}
            >
              {columns.map((id) => (
                <div key={id} className={cells[id].align === "end" ? "end" : undefined}>
                  {id === "name" ? (
                    <a
                      href={href}
                      className="run-name"
                      onClick={(e) => followLink(e, href)}
                      title={run.errorSummary ?? run.slug}
                    >
                      {run.name}
                    </a>
                  ) : (
                    cells[id].render(run, now)
                  )}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </section>
  );
}
