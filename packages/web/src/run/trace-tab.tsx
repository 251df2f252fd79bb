/**
 * Trace: the span waterfall, the logs and the raw spans and logs (JSON or YAML). Loaded on
 * demand (its own chunk), pages fetched as each list is scrolled.
 */
import { useState } from "react";
import { ErrorState } from "../ui/states";
import { TabList, tabId } from "../ui/tab-list";
import { LogsList } from "./logs-list";
import { RawView } from "./raw-view";
import { SpanWaterfall } from "./span-waterfall";
import { useTrace } from "./use-trace";
import "./trace-tab.css";

const views = [
  { id: "spans", label: "Spans" },
  { id: "logs", label: "Logs" },
  { id: "raw", label: "Raw" },
] as const;
type View = (typeof views)[number]["id"];

export default function TraceTab({ runId }: { runId: string }) {
  const trace = useTrace(runId);
  const [view, setView] = useState<View>("spans");
  if (trace.error !== undefined) return <ErrorState error={trace.error} />;
  if (trace.loading) return <p className="loading">Loading trace…</p>;
  return (
    <div className="trace">
      <TabList<View>
        label="Trace view"
        tabs={views.map(({ id, label }) => ({
          id,
          label: (
            <>
              {label}{" "}
              <span className="muted small num">
                {id === "spans"
                  ? `${trace.spans.length}${trace.hasMoreSpans ? "+" : ""}`
                  : id === "logs"
                    ? `${trace.logs.length}${trace.hasMoreLogs ? "+" : ""}`
                    : ""}
              </span>
            </>
          ),
        }))}
        selected={view}
        prefix="trace"
        panelId="trace-tabpanel"
        className="segmented trace-views"
        onSelect={setView}
      />
      <div className="trace-view" id="trace-tabpanel" role="tabpanel" aria-labelledby={tabId("trace", view)}>
        {view === "spans" && (
          <SpanWaterfall spans={trace.spans} hasMore={trace.hasMoreSpans} onLoadMore={trace.loadMoreSpans} />
        )}
        {view === "logs" && <LogsList logs={trace.logs} hasMore={trace.hasMoreLogs} onLoadMore={trace.loadMoreLogs} />}
        {view === "raw" && (
          <RawView spans={trace.spans} logs={trace.logs} complete={!trace.hasMoreSpans && !trace.hasMoreLogs} />
        )}
      </div>
    </div>
  );
}
