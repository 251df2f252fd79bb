/**
 * The History list of the current filters: the first page, more pages as the reader scrolls
 * (keyset cursor), and the live feed. Rows it shows update in place; matching runs it does not
 * show are only counted, so rows never shift under the reader until they ask for them. When the
 * feed reconnects the list reloads, since changes made while it was down were never sent.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { getJson, type HistoryLiveChange, isAbort, type RunPage, type RunSummary } from "../api/api";

const PAGE = 100;

export interface HistoryList {
  rows: RunSummary[];
  loading: boolean;
  loadingMore: boolean;
  /** The last next page failed: nothing more loads by itself until loadMore() is called. */
  moreFailed: boolean;
  error: unknown;
  hasMore: boolean;
  /** Matching runs that started after the first row and are not shown yet. */
  newRuns: number;
  /** Whether the live feed is connected. */
  live: boolean;
  /** Loads the next page, or tries a failed one again. */
  loadMore(): void;
  /** Reloads from the top, showing the new runs. */
  reload(): void;
}

/**
 * @example
 * const list = useHistory("status=failed");
 */
export function useHistory(filterQuery: string): HistoryList {
  const [rows, setRows] = useState<RunSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreFailed, setMoreFailed] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [newIds, setNewIds] = useState<ReadonlySet<string>>(new Set());
  const [generation, setGeneration] = useState(0);
  const [live, setLive] = useState(false);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const more = useRef<AbortController | undefined>(undefined);

  const sep = filterQuery === "" ? "" : "&";
  // biome-ignore lint/correctness/useExhaustiveDependencies: generation is the reload signal
  useEffect(() => {
    const abort = new AbortController();
    more.current?.abort();
    setLoadingMore(false);
    setMoreFailed(false);
    setLoading(true);
    setError(undefined);
    getJson<RunPage>(`/api/history?${filterQuery}${sep}limit=${PAGE}`, abort.signal)
      .then((page) => {
        setRows(page.runs);
        setCursor(page.nextCursor);
        setNewIds(new Set());
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (isAbort(e)) return;
        setRows([]);
        setError(e);
        setLoading(false);
      });
    return () => abort.abort();
  }, [filterQuery, generation]);

  useEffect(() => {
    const source = new EventSource(`/api/history/live${filterQuery === "" ? "" : `?${filterQuery}`}`);
    source.addEventListener("run", (message) => {
      const { run, matches, removed } = JSON.parse((message as MessageEvent<string>).data) as HistoryLiveChange;
      if (removed) {
        setRows((list) => list.filter((r) => r.runId !== run.runId));
        setNewIds((ids) => (ids.has(run.runId) ? new Set([...ids].filter((id) => id !== run.runId)) : ids));
        return;
      }
      const current = rowsRef.current;
      const at = current.findIndex((r) => r.runId === run.runId);
      if (at !== -1) {
        setRows((list) => list.map((r) => (r.runId === run.runId && r.lastSeq <= run.lastSeq ? run : r)));
        return;
      }
      const newest = current[0];
      if (matches && (newest === undefined || run.triggeredAt >= newest.triggeredAt)) {
        setNewIds((ids) => (ids.has(run.runId) ? ids : new Set(ids).add(run.runId)));
      }
    });
    let opened = false;
    source.onopen = () => {
      setLive(true);
      if (opened) setGeneration((g) => g + 1);
      opened = true;
    };
    source.onerror = () => setLive(false);
    return () => source.close();
  }, [filterQuery]);

  const loadMore = useCallback(() => {
    if (cursor === null || loadingMore || loading) return;
    const abort = new AbortController();
    more.current = abort;
    setLoadingMore(true);
    setMoreFailed(false);
    getJson<RunPage>(
      `/api/history?${filterQuery}${sep}limit=${PAGE}&cursor=${encodeURIComponent(cursor)}`,
      abort.signal,
    )
      .then((page) => {
        setRows((list) => {
          const seen = new Set(list.map((r) => r.runId));
          return [...list, ...page.runs.filter((r) => !seen.has(r.runId))];
        });
        setCursor(page.nextCursor);
        setLoadingMore(false);
      })
      .catch((e: unknown) => {
        if (isAbort(e)) return;
        setMoreFailed(true);
        setLoadingMore(false);
      });
  }, [cursor, loadingMore, loading, filterQuery, sep]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  return {
    rows,
    loading,
    loadingMore,
    moreFailed,
    error,
    hasMore: cursor !== null,
    newRuns: newIds.size,
    live,
    loadMore,
    reload,
  };
}
