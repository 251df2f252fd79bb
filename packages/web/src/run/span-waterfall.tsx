/**
 * The span waterfall: one virtualised row per span in tree order, its bar placed on the run's
 * time axis, errors in red. Clicking a span shows its attributes and events below.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef, useState } from "react";
import type { Span } from "../api/api";
import { formatDuration, formatFullTime } from "../format/format";
import { useLoadNearEnd } from "../ui/use-load-near-end";
import { JsonBlock } from "./json-block";
import { SpanTree } from "./span-tree";
import "./span-waterfall.css";

const ROW = 28;

function SpanDetail({ span }: { span: Span }) {
  const duration = span.endTime ? Date.parse(span.endTime) - Date.parse(span.startTime) : null;
  return (
    <section className="span-detail" aria-label="Span">
      <h3>
        {span.name} <span className="muted small num">{formatDuration(duration)}</span>
      </h3>
      <p className="muted small">
        {formatFullTime(span.startTime)} · span <code>{span.spanId}</code> · {span.kind}
        {span.status.code === "error" && (
          <span className="danger"> · error{span.status.message ? `: ${span.status.message}` : ""}</span>
        )}
      </p>
      <h4>Attributes</h4>
      {Object.keys(span.attributes).length === 0 ? (
        <p className="muted small">None.</p>
      ) : (
        <table className="attributes">
          <tbody>
            {Object.entries(span.attributes).map(([key, value]) => (
              <tr key={key}>
                <th>{key}</th>
                <td>
                  <code>{typeof value === "string" ? value : JSON.stringify(value)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {span.events.length > 0 && (
        <>
          <h4>Events</h4>
          <JsonBlock value={span.events} className="small" />
        </>
      )}
    </section>
  );
}

export function SpanWaterfall({
  spans,
  hasMore,
  onLoadMore,
}: {
  spans: readonly Span[];
  hasMore: boolean;
  onLoadMore(): void;
}) {
  const [query, setQuery] = useState("");
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [selected, setSelected] = useState<Span | undefined>(undefined);
  const tree = useRef(new SpanTree());
  const layout = useMemo(() => {
    if (spans.length < tree.current.spans.length) tree.current = new SpanTree();
    tree.current.add(spans.slice(tree.current.spans.length));
    return tree.current.order();
  }, [spans]);
  const rows = useMemo(() => {
    const needle = query.trim().toLowerCase();
    if (needle === "" && !errorsOnly) return layout;
    const all = tree.current.spans;
    const keep: number[] = [];
    for (let row = 0; row < layout.index.length; row++) {
      const span = all[layout.index[row] as number];
      if (span === undefined) continue;
      if ((!errorsOnly || span.status.code === "error") && (needle === "" || span.name.toLowerCase().includes(needle)))
        keep.push(row);
    }
    return {
      index: Int32Array.from(keep, (row) => layout.index[row] as number),
      depth: Int32Array.from(keep, (row) => layout.depth[row] as number),
    };
  }, [layout, query, errorsOnly]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.index.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 20,
  });
  const items = virtualizer.getVirtualItems();
  useLoadNearEnd(items.at(-1)?.index ?? 0, rows.index.length, hasMore, onLoadMore, 50);

  return (
    <div className="trace-split">
      <div className="trace-tools">
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Filter spans by name"
          aria-label="Filter spans"
        />
        <label className="option">
          <input type="checkbox" checked={errorsOnly} onChange={(e) => setErrorsOnly(e.target.checked)} /> Errors only
        </label>
        <span className="muted small num">
          {rows.index.length.toLocaleString()} of {spans.length.toLocaleString()}
          {hasMore ? "+" : ""} spans
        </span>
      </div>
      <div className="waterfall" ref={scroller} role="tree" aria-label="Spans">
        <div className="virtual" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const i = rows.index[item.index];
            const span = i === undefined ? undefined : tree.current.spans[i];
            if (i === undefined || span === undefined) return null;
            const depth = rows.depth[item.index] ?? 0;
            const startMs = tree.current.startMs[i] ?? 0;
            const endMs = tree.current.endMs[i] ?? startMs;
            const error = span.status.code === "error";
            const total = Math.max(1, tree.current.max - tree.current.min);
            const left = ((startMs - tree.current.min) / total) * 100;
            const width = Math.max(((endMs - startMs) / total) * 100, 0.3);
            return (
              <button
                type="button"
                role="treeitem"
                aria-selected={selected?.spanId === span.spanId}
                key={item.key}
                className={`span-row${error ? " error" : ""}${selected?.spanId === span.spanId ? " selected" : ""}`}
                style={{ transform: `translateY(${item.start}px)` }}
                onClick={() => setSelected(span)}
              >
                <span className="span-name" style={{ paddingLeft: depth * 14 }} title={span.name}>
                  {error && <span className="danger">● </span>}
                  {span.name}
                </span>
                <span className="span-track">
                  <span className="span-bar" style={{ left: `${left}%`, width: `${width}%` }} />
                </span>
                <span className="span-duration num">{formatDuration(endMs - startMs)}</span>
              </button>
            );
          })}
        </div>
      </div>
      {selected && <SpanDetail span={selected} />}
    </div>
  );
}
