/**
 * The raw spans and logs as JSON or YAML, copyable. The document is shown one span or log per
 * virtual row, and a row is formatted only when it scrolls into view, so a trace of 100,000 spans
 * costs what the visible rows cost — not one huge string rebuilt each time a page of spans
 * arrives. The whole text is made only when it is copied. The YAML printer loads when YAML is
 * chosen.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState } from "react";
import type { Span, StoredLog } from "../api/api";
import { CopyButton } from "../ui/copy-button";
import { type Format, type Printer, type Row, rowsOf, rowText } from "./raw-document";
import "./raw-view.css";

export function RawView({
  spans,
  logs,
  complete,
}: {
  spans: readonly Span[];
  logs: readonly StoredLog[];
  complete: boolean;
}) {
  const [format, setFormat] = useState<Format>("json");
  const [yaml, setYaml] = useState<Printer | undefined>(undefined);
  useEffect(() => {
    if (format !== "yaml" || yaml) return;
    let live = true;
    import("yaml").then(({ stringify }) => {
      if (live) setYaml(() => (value: unknown) => stringify(value, { lineWidth: 0 }));
    });
    return () => {
      live = false;
    };
  }, [format, yaml]);
  const ready = format === "json" || yaml !== undefined;
  const rows = rowsOf(format, spans, logs);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: ready ? rows.length : 0,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i]?.kind === "item" ? 18 * 16 : 18),
    overscan: 8,
  });
  const wholeText = () =>
    format === "json" ? JSON.stringify({ spans, logs }, null, 2) : (yaml?.({ spans, logs }) ?? "");
  return (
    <div className="trace-split">
      <div className="trace-tools">
        <div className="segmented">
          {(["json", "yaml"] as const).map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={format === f}
              className={format === f ? "active" : undefined}
              onClick={() => setFormat(f)}
            >
              {f.toUpperCase()}
            </button>
          ))}
        </div>
        <CopyButton text={wholeText} label={`Copy ${format.toUpperCase()}`} />
        <span className="muted small">
          {spans.length.toLocaleString()} spans, {logs.length.toLocaleString()} logs{complete ? "" : " loaded so far"}
        </span>
      </div>
      <section
        className="raw"
        ref={scroller}
        data-format={format}
        aria-label={`Raw trace as ${format.toUpperCase()}`}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so the keyboard can scroll it
        tabIndex={0}
      >
        {!ready ? (
          <p className="loading">Formatting…</p>
        ) : (
          <div className="virtual" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => (
              <pre
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="raw-line"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {rowText(rows[item.index] as Row, format, yaml)}
              </pre>
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
