/**
 * The History table: a virtualised table (only the rows on screen are in the DOM, whatever the
 * number loaded), with a sticky header, skeleton rows while loading and the next page fetched
 * as the reader nears the end. A next page that fails is not fetched again by itself (that would
 * loop as fast as the server fails): its row says so and offers a retry. aria-rowcount and
 * aria-rowindex give assistive technology the whole list, not just the rows drawn; ↑/↓,
 * PageUp/PageDown and Home/End move between the rows, Enter opens one (use-row-navigation).
 */
import { type HistoryColumnId, historyColumns } from "@keystroke/core";
import { defaultRangeExtractor, type Range, useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useRef } from "react";
import type { RunSummary } from "../api/api";
import { useLoadNearEnd } from "../ui/use-load-near-end";
import { cells } from "./history-cells";
import { HistoryRow } from "./history-row";
import { useRowNavigation } from "./use-row-navigation";
import "./history-table.css";

const ROW_HEIGHT = 40;
/** The sticky header's height, which covers the top of the scrolled rows. */
const HEAD_HEIGHT = 34;
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

/**
 * The whole list's row count, the header row included: known once the last page is loaded; until
 * then unknown (-1), as ARIA asks.
 */
const rowCount = (loaded: number, hasMore: boolean) => (hasMore ? -1 : loaded + 1);

export function HistoryTable(props: HistoryTableProps) {
  const { rows, columns, loading, hasMore, loadingMore, moreFailed, selectedRunId, now, hrefOf, onLoadMore } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const template = columns.map((id) => cells[id].width).join(" ");
  const count = loading && rows.length === 0 ? 12 : rows.length + (hasMore ? 1 : 0);
  const activeRef = useRef(0);
  // The active row stays drawn while scrolled away, so the focus it may hold is not lost.
  const rangeExtractor = useCallback((range: Range) => {
    const indexes = defaultRangeExtractor(range);
    const active = activeRef.current;
    return active >= range.count || indexes.includes(active) ? indexes : [...indexes, active].sort((a, b) => a - b);
  }, []);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollPaddingEnd: HEAD_HEIGHT,
    rangeExtractor,
  });
  const nav = useRowNavigation(rows, selectedRunId, virtualizer, scroller, ROW_HEIGHT);
  activeRef.current = nav.active;
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
    <div className="table-scroll" ref={scroller}>
      <table
        className="table"
        aria-label="Runs"
        aria-rowcount={rowCount(rows.length, hasMore)}
        aria-busy={loading}
        onKeyDown={nav.onKeyDown}
        onFocus={nav.onFocus}
      >
        <thead className="table-headgroup">
          <tr className="table-head" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
            {columns.map((id) => (
              <th
                key={id}
                scope="col"
                aria-sort={id === "startedAt" ? "descending" : undefined}
                className={cells[id].align === "end" ? "end" : undefined}
              >
                {labels.get(id)}
                {id === "startedAt" && (
                  <span className="sort" title="Newest first" aria-hidden="true">
                    ↓
                  </span>
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody
          className={loading && rows.length > 0 ? "table-body stale" : "table-body"}
          style={{ height: virtualizer.getTotalSize() }}
        >
          {items.map((item) => {
            const run = rows[item.index];
            const style = { transform: `translateY(${item.start}px)`, gridTemplateColumns: template };
            if (run === undefined && moreFailed) {
              return (
                <tr key={item.key} className="table-more" style={style} aria-rowindex={item.index + 2}>
                  <td colSpan={columns.length}>
                    <span role="alert">Couldn't load more —</span>
                    <button type="button" className="link" onClick={onLoadMore}>
                      Retry
                    </button>
                  </td>
                </tr>
              );
            }
            if (run === undefined || (loading && rows.length === 0)) {
              return (
                // biome-ignore lint/a11y/noAriaHiddenOnFocusable: a placeholder row while the runs load, never focused
                <tr key={item.key} className="table-row skeleton" style={style} aria-hidden="true">
                  {columns.map((id) => (
                    <td key={id}>
                      <span className="bone" />
                    </td>
                  ))}
                </tr>
              );
            }
            return (
              <HistoryRow
                key={run.runId}
                run={run}
                index={item.index}
                columns={columns}
                style={style}
                open={run.runId === selectedRunId}
                active={item.index === nav.active}
                href={hrefOf(run.runId)}
                now={now}
              />
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
