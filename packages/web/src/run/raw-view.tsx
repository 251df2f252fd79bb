/**
 * The raw spans and logs as JSON or YAML, copyable. The text is shown as virtualised lines, so
 * even a very large trace scrolls without putting a megabyte string into the DOM. The YAML
 * printer is loaded only when YAML is chosen.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState } from "react";
import type { Span, StoredLog } from "../api/api";
import { CopyButton } from "../ui/copy-button";

type Format = "json" | "yaml";

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
  const [text, setText] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const value = { spans, logs };
    if (format === "json") setText(JSON.stringify(value, null, 2));
    else {
      setText(undefined);
      import("yaml").then(({ stringify }) => live && setText(stringify(value, { lineWidth: 0 })));
    }
    return () => {
      live = false;
    };
  }, [format, spans, logs]);
  const lines = useMemo(() => (text === undefined ? [] : text.split("\n")), [text]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 18,
    overscan: 40,
  });
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
        <CopyButton text={() => text ?? ""} label={`Copy ${format.toUpperCase()}`} />
        <span className="muted small">
          {spans.length.toLocaleString()} spans, {logs.length.toLocaleString()} logs{complete ? "" : " loaded so far"}
        </span>
      </div>
      <section className="raw" ref={scroller} data-format={format} aria-label={`Raw trace as ${format.toUpperCase()}`}>
        {text === undefined ? (
          <p className="loading">Formatting…</p>
        ) : (
          <div className="virtual" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((item) => (
              <pre key={item.key} className="raw-line" style={{ transform: `translateY(${item.start}px)` }}>
                {lines[item.index] || " "}
              </pre>
            ))}
          </div>
        )}
      </section>
    </div>
  );
}
