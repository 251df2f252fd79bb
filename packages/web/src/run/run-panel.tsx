/**
 * The detail panel of one run, beside the table: Overview, Metadata and Trace tabs (the tab is
 * in the URL). ↑/↓ move to the previous or next run of the list, Esc closes.
 */
import { isActiveStatus } from "@keystroke/core";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { CopyButton } from "../ui/copy-button";
import { ErrorState } from "../ui/states";
import { StatusBadge } from "../ui/status-badge";
import { TabList, tabId } from "../ui/tab-list";
import { navigate, runHref } from "../url/use-url";
import { CancelRunButton } from "./cancel-run-button";
import { MetadataTab } from "./metadata-tab";
import { OverviewTab } from "./overview-tab";
import { useRun } from "./use-run";
import "./run-panel.css";

const TraceTab = lazy(() => import("./trace-tab"));

const tabs = [
  { id: "overview", label: "Overview" },
  { id: "metadata", label: "Metadata" },
  { id: "trace", label: "Trace" },
] as const;
type Tab = (typeof tabs)[number]["id"];

export interface RunPanelProps {
  runId: string;
  params: URLSearchParams;
  onClose(): void;
  onStep(step: 1 | -1): void;
}

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));

/** A focused region that scrolls (the raw trace) keeps ↑/↓ to scroll itself. */
const scrolling = (target: EventTarget | null) =>
  target instanceof HTMLElement && target.tabIndex >= 0 && target.scrollHeight > target.clientHeight;

export default function RunPanel({ runId, params, onClose, onStep }: RunPanelProps) {
  const state = useRun(runId);
  const { run, error } = state;
  const tab: Tab = tabs.find(({ id }) => id === params.get("tab"))?.id ?? "overview";
  const scroller = useRef<HTMLDivElement>(null);
  const root = useRef<HTMLElement>(null);
  const [now, setNow] = useState(Date.now);
  const active = run !== undefined && isActiveStatus(run.status);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);

  // Focus moves into the panel as it opens (and to the next run's as ↑/↓ replace it).
  useEffect(() => root.current?.focus({ preventScroll: true }), []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // A key the table (or a menu) already handled is not the panel's.
      if (event.defaultPrevented || typing(event.target) || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === "Escape") onClose();
      else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && !scrolling(event.target)) {
        event.preventDefault();
        onStep(event.key === "ArrowDown" ? 1 : -1);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose, onStep]);

  const openRun = (id: string) => navigate(runHref(id, params));

  return (
    <aside className="panel" aria-labelledby="run-panel-title" data-run-id={runId} ref={root} tabIndex={-1}>
      <header className="panel-head">
        <div className="panel-title">
          <h2 id="run-panel-title">{run?.name ?? "Loading run…"}</h2>
          {run && <StatusBadge status={run.status} />}
          <span className="spacer" />
          <CancelRunButton key={runId} runId={runId} active={active} onCanceled={state.refresh} />
          <button type="button" className="ghost icon" onClick={onClose} aria-label="Close (Esc)" title="Close (Esc)">
            ✕
          </button>
        </div>
        <p className="panel-sub muted small">
          <code>{runId}</code> <CopyButton text={runId} label="Copy ID" />
          <span className="keys">↑↓ runs · Esc close</span>
        </p>
        <TabList
          label="Run details"
          tabs={tabs}
          selected={tab}
          prefix="run"
          panelId="run-tabpanel"
          className="tabs"
          tabClassName="tab"
          onSelect={(id) => navigate(runHref(runId, params, id), { replace: true })}
        />
      </header>
      <div
        className={tab === "trace" ? "panel-body fixed" : "panel-body"}
        ref={scroller}
        id="run-tabpanel"
        role="tabpanel"
        aria-labelledby={tabId("run", tab)}
      >
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
