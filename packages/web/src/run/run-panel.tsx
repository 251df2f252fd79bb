/**
 * The detail panel of one run, beside the table: Overview, Metadata and Trace tabs (the tab is
 * in the URL). ↑/↓ move to the previous or next run of the list, Esc closes.
 */
import { isActiveStatus } from "@keystroke/core/catalog/statuses";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { CopyButton } from "../ui/copy-button";
import { ErrorState } from "../ui/states";
import { StatusBadge } from "../ui/status-badge";
import { navigate, runHref } from "../url/use-url";
import { MetadataTab } from "./metadata-tab";
import { OverviewTab } from "./overview-tab";
import { useRun } from "./use-run";

const TraceTab = lazy(() => import("./trace-tab"));

const tabs = [
  ["overview", "Overview"],
  ["metadata", "Metadata"],
  ["trace", "Trace"],
] as const;
type Tab = (typeof tabs)[number][0];

export interface RunPanelProps {
  runId: string;
  params: URLSearchParams;
  onClose(): void;
  onStep(step: 1 | -1): void;
}

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));

export default function RunPanel({ runId, params, onClose, onStep }: RunPanelProps) {
  const state = useRun(runId);
  const { run, error } = state;
  const tab: Tab = (tabs.find(([id]) => id === params.get("tab"))?.[0] as Tab | undefined) ?? "overview";
  const scroller = useRef<HTMLDivElement>(null);
  const [now, setNow] = useState(Date.now);
  const active = run !== undefined && isActiveStatus(run.status);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typing(event.target) || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === "Escape") onClose();
      else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        onStep(event.key === "ArrowDown" ? 1 : -1);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose, onStep]);

  const openRun = (id: string) => navigate(runHref(id, params));

  return (
    <aside className="panel" aria-label="Run" data-run-id={runId}>
      <header className="panel-head">
        <div className="panel-title">
          <h2>{run?.name ?? "Loading run…"}</h2>
          {run && <StatusBadge status={run.status} />}
          <span className="spacer" />
          <button type="button" className="ghost icon" onClick={onClose} aria-label="Close (Esc)" title="Close (Esc)">
            ✕
          </button>
        </div>
        <p className="panel-sub muted small">
          <code>{runId}</code> <CopyButton text={runId} label="Copy ID" />
          <span className="keys">↑↓ runs · Esc close</span>
        </p>
        <div className="tabs" role="tablist">
          {tabs.map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={tab === id}
              className={tab === id ? "tab active" : "tab"}
              onClick={() => navigate(runHref(runId, params, id), { replace: true })}
            >
              {label}
            </button>
          ))}
        </div>
      </header>
      <div className={tab === "trace" ? "panel-body fixed" : "panel-body"} ref={scroller}>
        {error !== undefined ? (
          <ErrorState error={error} />
        ) : tab === "trace" ? (
          <Suspense fallback={<p className="loading">Loading trace…</p>}>
            <TraceTab runId={runId} />
          </Suspense>
        ) : run === undefined ? (
          <p className="loading">Loading run…</p>
        ) : tab === "overview" ? (
          <OverviewTab state={state} now={now} scroller={scroller} onOpenRun={openRun} />
        ) : (
          <MetadataTab run={run} />
        )}
      </div>
    </aside>
  );
}
