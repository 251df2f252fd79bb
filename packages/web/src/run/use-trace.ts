/**
 * A run's spans and logs, a page at a time: the first pages when the Trace tab opens, the next
 * as the reader scrolls. A run of 100,000 spans is never fetched in one go.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { getJson, isAbort, type RunViewReply, type Span, type StoredLog } from "../api/api";

/** The first page is small, to paint soon; later pages are larger, to keep up with scrolling. */
const FIRST_SPANS = 300;
const FIRST_LOGS = 200;
const PAGE = 1000;

export interface TraceState {
  spans: Span[];
  logs: StoredLog[];
  loading: boolean;
  error: unknown;
  hasMoreSpans: boolean;
  hasMoreLogs: boolean;
  loadMoreSpans(): void;
  loadMoreLogs(): void;
}

export function useTrace(runId: string): TraceState {
  const [spans, setSpans] = useState<Span[]>([]);
  const [logs, setLogs] = useState<StoredLog[]>([]);
  const [spansCursor, setSpansCursor] = useState<string | null>(null);
  const [logsCursor, setLogsCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const busy = useRef({ spans: false, logs: false });
  const base = `/api/history/${encodeURIComponent(runId)}?include=trace`;

  useEffect(() => {
    const abort = new AbortController();
    getJson<RunViewReply>(`${base}&spansLimit=${FIRST_SPANS}&logsLimit=${FIRST_LOGS}`, abort.signal)
      .then((view) => {
        setSpans(view.trace?.spans.items ?? []);
        setLogs(view.trace?.logs.items ?? []);
        setSpansCursor(view.trace?.spans.nextCursor ?? null);
        setLogsCursor(view.trace?.logs.nextCursor ?? null);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (isAbort(e)) return;
        setError(e);
        setLoading(false);
      });
    return () => abort.abort();
  }, [base]);

  const loadMoreSpans = useCallback(() => {
    if (spansCursor === null || busy.current.spans) return;
    busy.current.spans = true;
    getJson<RunViewReply>(`${base}&spansLimit=${PAGE}&logsLimit=1&spansCursor=${encodeURIComponent(spansCursor)}`)
      .then((view) => {
        setSpans((list) => [...list, ...(view.trace?.spans.items ?? [])]);
        setSpansCursor(view.trace?.spans.nextCursor ?? null);
      })
      .catch(setError)
      .finally(() => {
        busy.current.spans = false;
      });
  }, [base, spansCursor]);

  const loadMoreLogs = useCallback(() => {
    if (logsCursor === null || busy.current.logs) return;
    busy.current.logs = true;
    getJson<RunViewReply>(`${base}&logsLimit=${PAGE}&spansLimit=1&logsCursor=${encodeURIComponent(logsCursor)}`)
      .then((view) => {
        setLogs((list) => [...list, ...(view.trace?.logs.items ?? [])]);
        setLogsCursor(view.trace?.logs.nextCursor ?? null);
      })
      .catch(setError)
      .finally(() => {
        busy.current.logs = false;
      });
  }, [base, logsCursor]);

  return {
    spans,
    logs,
    loading,
    error,
    hasMoreSpans: spansCursor !== null,
    hasMoreLogs: logsCursor !== null,
    loadMoreSpans,
    loadMoreLogs,
  };
}
