/**
 * The web page's only way to the server: JSON over the HTTP API. A failure becomes an ApiError
 * carrying the API's message and hint, which the page shows as they are. A 401 also tells the
 * page the caller is signed out (a team server), so it can show the sign-in page wherever it is.
 */
import type {
  Page,
  RunDetail,
  RunPage,
  RunSummary,
  RunViewReply,
  Span,
  StoredLog,
  StoredMessage,
  StoredStep,
} from "@keystroke/core";

export type { Page, RunDetail, RunPage, RunSummary, RunViewReply, Span, StoredLog, StoredMessage, StoredStep };

/** One message of `GET /api/history/live`. */
export interface HistoryLiveChange {
  run: RunSummary;
  matches: boolean;
  /** The run is gone: another run absorbed its events. */
  removed?: true;
}

export interface ApiErrorDetails {
  /** The API's error code, e.g. `unauthorized`, `forbidden`, `rate_limited`. */
  code?: string;
  /** Seconds to wait before trying again, from a 429's or a 503's Retry-After. */
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  readonly code: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    message: string,
    readonly status: number,
    readonly hint?: string,
    details: ApiErrorDetails = {},
  ) {
    super(message);
    this.code = details.code;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

export interface RequestOptions {
  signal?: AbortSignal;
  /**
   * The request itself carries the credential being checked (a password, an invite token), so
   * its 401 is an answer to show, not a sign that the session ended.
   */
  checksCredential?: boolean;
  /** Headers of the request besides accept and content-type (the hosted project a change acts on). */
  headers?: Record<string, string>;
}

const unauthorizedListeners = new Set<() => void>();

/**
 * Calls `listener` whenever the API answers 401 to a request made with the session; returns
 * the function that stops it.
 *
 * @example
 * const stop = onUnauthorized(() => navigate("/sign-in"));
 */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** Seconds from a Retry-After header: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

async function requestJson<T>(path: string, init: RequestInit, options: RequestOptions = {}): Promise<T> {
  const { signal } = options;
  let response: Response;
  try {
    response = await fetch(path, { ...init, signal, headers: { accept: "application/json", ...init.headers } });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError("The Keystroke server cannot be reached.", 0, "Is `keystroke serve` running?");
  }
  const text = await response.text().catch((error: unknown) => {
    if (signal?.aborted) throw error;
    return undefined;
  });
  if (response.ok && text === "") return undefined as T;
  const body = parseBody(text) as (T & { error?: { code?: string; message?: string; hint?: string } }) | undefined;
  if (!response.ok || body === undefined) {
    const error = body?.error;
    if (response.status === 401 && !options.checksCredential) for (const listener of unauthorizedListeners) listener();
    throw new ApiError(error?.message ?? `The server answered ${response.status}.`, response.status, error?.hint, {
      code: error?.code,
      retryAfterSeconds: parseRetryAfter(response.headers.get("retry-after")),
    });
  }
  return body;
}

function parseBody(text: string | undefined): unknown {
  if (text === undefined || text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Fetches JSON from the API; throws an ApiError with the server's message and hint.
 *
 * @example
 * const page = await getJson<RunPage>("/api/history?status=failed");
 */
export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(path, {}, { signal });
}

/**
 * Sends a JSON body (none for DELETE) with `method` and reads the JSON answer, or undefined when
 * the server answered with no body; throws an ApiError like getJson.
 *
 * @example
 * await sendJson("PATCH", `/api/organizations/acme/members/${userId}`, { role: "admin" });
 */
export function sendJson<T>(
  method: "POST" | "PATCH" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const init: RequestInit =
    body === undefined
      ? { method, headers: { ...options.headers } }
      : {
          method,
          headers: { "content-type": "application/json", ...options.headers },
          body: JSON.stringify(body),
        };
  return requestJson<T>(path, init, options);
}

/**
 * Posts a JSON body to the API and reads its JSON answer; throws an ApiError like getJson.
 *
 * @example
 * const reply = await postJson<{ status: RunStatus }>(`/api/runs/${runId}/cancel`);
 */
export function postJson<T>(path: string, body: unknown = {}, signal?: AbortSignal): Promise<T> {
  return sendJson<T>("POST", path, body, { signal });
}

export const isAbort = (error: unknown) => error instanceof DOMException && error.name === "AbortError";
