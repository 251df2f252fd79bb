/**
 * The page's state lives in its URL: the path says which run is open, the query holds filters,
 * columns and the tab, so any view can be shared or reloaded. This is the whole "router".
 */
import { useSyncExternalStore } from "react";

const changeEvent = "keystroke:navigate";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(changeEvent, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(changeEvent, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/**
 * Goes to `href` inside the app (no reload); `replace` keeps the history entry.
 *
 * @example
 * navigate("/runs/run_01JD…?tab=trace");
 */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (href === snapshot()) return;
  if (options.replace) window.history.replaceState(null, "", href);
  else window.history.pushState(null, "", href);
  window.dispatchEvent(new Event(changeEvent));
}

export interface UrlState {
  path: string;
  params: URLSearchParams;
}

/** The current path and query; re-renders on navigation. */
export function useUrl(): UrlState {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { path: url.pathname, params: url.searchParams };
}

/** A query string from params, with "?" when not empty. */
export function queryString(params: URLSearchParams): string {
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/** The run id in `/runs/<id>`, if a run is open. */
export function openRunId(path: string): string | undefined {
  const match = /^\/runs\/([^/]+)$/.exec(path);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}

/** The href of a run's panel, keeping the list's query (filters, columns). */
export function runHref(runId: string, params: URLSearchParams, tab?: string): string {
  const next = new URLSearchParams(params);
  if (tab === undefined || tab === "overview") next.delete("tab");
  else next.set("tab", tab);
  return `/runs/${encodeURIComponent(runId)}${queryString(next)}`;
}
