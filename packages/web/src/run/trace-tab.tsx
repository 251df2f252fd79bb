/**
 * Trace: the span waterfall, the logs and the raw spans and logs (JSON or YAML). Loaded on
 * demand (its own chunk), pages fetched as each list is scrolled.
 */
import { useState } from "react";
import { ErrorState } from "../ui/states";
import { LogsList } from "./logs-list";
import { RawView } from "./raw-view";
import { SpanWaterfall } from "./span-waterfall";
import { useTrace } from "./use-trace";

const views = [
  ["spans", "Spans"],
  ["logs", "Logs"],
  ["raw", "Raw"],
] as const;

export default function TraceTab({ runId }: { runId: string }) {
  const trace = useTrace(runId);
  const [view, setView] = useState<(typeof views)[number][0]>("spans");
  if (trace.error !== undefined) return <ErrorState error={trace.error} />;
  if (trace.loading) return <p className="loading">Loading trace…</p>;
  return (
    <div className="trace">
      <div className="segmented trace-views" role="tablist" aria-label="Trace view">
        {views.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={view === id}
            className={view === id ? "active" : undefined}
            onClick={() => setView(id)}
          >
            {label}{" "}
            <span className="muted small num">
              {id === "spans"
                ? `${trace.spans.length}${trace.hasMoreSpans ? "+" : ""}`
                : id === "logs"
                  ? `${trace.logs.length}${trace.hasMoreLogs ? "+" : ""}`
                  : ""}
            </span>
          </button>
        ))}
      </div>
      {view === "spans" && (
        <SpanWaterfall spans={trace.spans} hasMore={trace.hasMoreSpans} onLoadMore={trace.loadMoreSpans} />
      )}
      {view === "logs" && <LogsList logs={trace.logs} hasMore={trace.hasMoreLogs} onLoadMore={trace.loadMoreLogs} />}
      {view === "raw" && (
        <RawView spans={trace.spans} logs={trace.logs} complete={!trace.hasMoreSpans && !trace.hasMoreLogs} />
      )}
    </div>
  );
}
