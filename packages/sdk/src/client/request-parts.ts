/**
 * The parts of the client's requests built the same way by every method: the base URL, page and
 * include parameters, JSON bodies and organization paths, and the reading of streamed events.
 */
import { KeystrokeError, type PageRequest, type StoredEvent } from "@keystroke/core";
import type { RunInclude } from "./responses.js";

/** A JSON POST of `body`. */
export function jsonPost(body: unknown): { method: "POST"; headers: Record<string, string>; body: string } {
  return { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}

/** `/api/organizations/acme`. */
export function orgPath(org: string): string {
  return `/api/organizations/${encodeURIComponent(org)}`;
}

/** The base URL without a trailing slash; rejects anything but an http(s) URL. */
export function normalizeBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidBaseUrl(value);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalidBaseUrl(value);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

function invalidBaseUrl(value: string): KeystrokeError {
  return new KeystrokeError("invalid_input", `Invalid server URL "${value}": expected an http(s) URL`, {
    hint: "Use a URL such as http://127.0.0.1:3400",
    details: { problems: [{ path: "baseUrl", message: "expected an http(s) URL" }] },
  });
}

/** Sets `cursor` and `limit` (or `<prefix>Cursor`, `<prefix>Limit`). */
export function setPage(params: URLSearchParams, prefix: string, page: PageRequest): void {
  if (page.cursor !== undefined) params.set(prefix ? `${prefix}Cursor` : "cursor", page.cursor);
  if (page.limit !== undefined) params.set(prefix ? `${prefix}Limit` : "limit", String(page.limit));
}

/** The query of a detail request: `include` and the page of each part. */
export function includeParams(include: RunInclude): URLSearchParams {
  const params = new URLSearchParams();
  const parts: string[] = [];
  if (include.messages) {
    parts.push("messages");
    if (include.messages !== true) setPage(params, "messages", include.messages);
  }
  if (include.trace) {
    parts.push("trace");
    if (include.trace !== true) {
      setPage(params, "spans", include.trace.spans ?? {});
      setPage(params, "logs", include.trace.logs ?? {});
    }
  }
  if (include.steps) {
    parts.push("steps");
    if (include.steps !== true) setPage(params, "steps", include.steps);
  }
  if (parts.length > 0) params.set("include", parts.join(","));
  return params;
}

/** One streamed event; data that is not JSON is an `internal` error naming the stream. */
export function parseEvent(data: string, url: URL): StoredEvent {
  try {
    return JSON.parse(data) as StoredEvent;
  } catch (thrown) {
    throw new KeystrokeError("internal", `The event stream ${url.pathname} sent data that is not JSON`, {
      details: { data: data.slice(0, 200) },
      cause: thrown,
    });
  }
}
