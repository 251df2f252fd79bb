import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef, useState } from "react";
import type { StoredLog } from "../api/api";
import { formatTime } from "../format/format";
import { useLoadNearEnd } from "../ui/use-load-near-end";
import "./logs-list.css";

const levels = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

/** The run's logs, virtualised, filterable by text and lowest level. */
export function LogsList({
  logs,
  hasMore,
  onLoadMore,
}: {
  logs: readonly StoredLog[];
  hasMore: boolean;
  onLoadMore(): void;
}) {
  const [query, setQuery] = useState("");
  const [minLevel, setMinLevel] = useState<(typeof levels)[number]>("trace");
  const rows = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const min = levels.indexOf(minLevel);
    return logs.filter(
      (log) => levels.indexOf(log.level) >= min && (needle === "" || log.message.toLowerCase().includes(needle)),
    );
  }, [logs, query, minLevel]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 26,
    overscan: 20,
  });
  const items = virtualizer.getVirtualItems();
  useLoadNearEnd(items.at(-1)?.index ?? 0, rows.length, hasMore, onLoadMore, 50);
  return (
    <div className="trace-split">
      <div className="trace-tools">
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Filter logs"
          aria-label="Filter logs"
        />
        <select
          value={minLevel}
          onChange={(e) => setMinLevel(e.target.value as (typeof levels)[number])}
          aria-label="Lowest level"
        >
          {levels.map((level) => (
            <option key={level} value={level}>
              {level} and above
            </option>
          ))}
        </select>
        <span className="muted small num">
          {rows.length.toLocaleString()} of {logs.length.toLocaleString()}
          {hasMore ? "+" : ""} logs
        </span>
      </div>
      <section className="logs" ref={scroller} aria-label="Logs">
        {rows.length === 0 && (
          <p className="muted small pad">No logs{logs.length > 0 ? " match" : " were recorded"}.</p>
        )}
        <div className="virtual" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const log = rows[item.index];
            if (log === undefined) return null;
            return (
              <div
                key={item.key}
                className={`log-row level-${log.level}`}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <time className="num muted">{formatTime(log.time)}</time>
                <span className="level">{log.level}</span>
                <span className="log-message" title={log.message}>
                  {log.message}
                </span>
              </div>
            );
          })}
        </div>
      </section>
    </div>
  );
}
