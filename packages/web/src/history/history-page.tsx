/**
 * The History page: saved views, search and filters over the live, virtualised table, and the
 * run's detail panel beside it when a run is open (`/runs/<id>`).
 */
import { isActiveStatus } from "@keystroke/core";
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { formatCount } from "../format/format";
import { EmptyState, ErrorState } from "../ui/states";
import { navigate, openRunId, queryString, runHref, useUrl } from "../url/use-url";
import { ColumnChooser } from "./column-chooser";
import { HistoryFilters, SearchBox } from "./history-filters";
import { hasFilters, historyFilterParams, visibleColumns, withColumns, withoutFilters } from "./history-query";
import { HistoryTable } from "./history-table";
import { SavedViews } from "./saved-views";
import { useHistory } from "./use-history";
import "./history-page.css";

const RunPanel = lazy(() => import("../run/run-panel"));

/** With a run open, the table narrows to the columns that tell runs apart. */
const compactColumns = new Set(["name", "status", "startedAt", "durationMs"]);

function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function HistoryPage() {
  const { path, params } = useUrl();
  const runId = openRunId(path);
  const filterQuery = historyFilterParams(params).toString();
  const list = useHistory(filterQuery);
  const columns = visibleColumns(params);
  const shownColumns = runId === undefined ? columns : columns.filter((id) => compactColumns.has(id));
  const now = useNow(list.rows.some((r) => isActiveStatus(r.status)));
  const listQuery = new URLSearchParams(params);
  listQuery.delete("tab");

  const go = useCallback((next: URLSearchParams) => {
    const base = openRunId(window.location.pathname);
    navigate(`${base === undefined ? "/" : `/runs/${base}`}${queryString(next)}`, { replace: true });
  }, []);
  const listKey = listQuery.toString();
  const hrefOf = useCallback((id: string) => runHref(id, new URLSearchParams(listKey)), [listKey]);

  const { rows, newRuns, loading, reload } = list;
  useEffect(() => {
    if (newRuns > 0 && rows.length === 0 && !loading) reload();
  }, [newRuns, rows.length, loading, reload]);

  const neighbour = (step: 1 | -1) => {
    const index = rows.findIndex((r) => r.runId === runId);
    return index === -1 ? undefined : rows[index + step]?.runId;
  };

  return (
    <div className={runId === undefined ? "layout" : "layout with-panel"}>
      <section className="list" aria-label="History">
        <div className="toolbar">
          <h1>History</h1>
          <SavedViews
            params={params}
            onSelect={(query) => go(new URLSearchParams([...withoutFilters(params), ...new URLSearchParams(query)]))}
          />
          <span className="spacer" />
          <ColumnChooser columns={columns} onChange={(next) => go(withColumns(params, next))} />
        </div>
        <div className="toolbar filters-bar">
          <SearchBox params={params} onChange={go} />
          <HistoryFilters params={params} onChange={go} rows={rows} />
          {hasFilters(params) && (
            <button type="button" className="link" onClick={() => go(withoutFilters(params))}>
              Clear filters
            </button>
          )}
        </div>
        <div className="table-area">
          {newRuns > 0 && rows.length > 0 && (
            <button type="button" className="new-runs" onClick={reload}>
              ↑ {formatCount(newRuns)} new {newRuns === 1 ? "run" : "runs"}
            </button>
          )}
          {list.error !== undefined && rows.length === 0 ? (
            <ErrorState error={list.error} onRetry={reload} />
          ) : !loading && rows.length === 0 ? (
            <EmptyState title={hasFilters(params) ? "No runs match these filters" : "No runs yet"}>
              {hasFilters(params) ? (
                <button type="button" onClick={() => go(withoutFilters(params))}>
                  Clear filters
                </button>
              ) : (
                <p className="muted">Runs appear here as soon as an agent or workflow starts.</p>
              )}
            </EmptyState>
          ) : (
            <HistoryTable
              rows={rows}
              columns={shownColumns}
              loading={loading}
              hasMore={list.hasMore}
              loadingMore={list.loadingMore}
              moreFailed={list.moreFailed}
              selectedRunId={runId}
              now={now}
              hrefOf={hrefOf}
              onLoadMore={list.loadMore}
            />
          )}
        </div>
        <footer className="list-footer muted small">
          <span>
            {loading
              ? "Loading runs…"
              : `${formatCount(rows.length)} ${rows.length === 1 ? "run" : "runs"}${list.hasMore ? " loaded, more as you scroll" : ""}`}
          </span>
          {list.live ? (
            <span className="live" title="Active runs update in place">
              <span className="status-dot pulse" aria-hidden="true" /> Live
            </span>
          ) : (
            <span className="offline" title="The live feed is reconnecting">
              <span className="status-dot" aria-hidden="true" /> Reconnecting…
            </span>
          )}
        </footer>
      </section>
      {runId !== undefined && (
        <Suspense
          fallback={
            <aside className="panel">
              <p className="loading">Loading run…</p>
            </aside>
          }
        >
          <RunPanel
            key={runId}
            runId={runId}
            params={params}
            onClose={() => navigate(`/${queryString(listQuery)}`)}
            onStep={(step) => {
              const next = neighbour(step);
              if (next !== undefined)
                navigate(runHref(next, params, params.get("tab") ?? undefined), { replace: true });
            }}
          />
        </Suspense>
      )}
    </div>
  );
}
