/**
 * The web page's only way to the server: JSON over the HTTP API. A failure becomes an ApiError
 * carrying the API's message and hint, which the page shows as they are.
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

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly hint?: string,
  ) {
    super(message);
  }
}

async function requestJson<T>(path: string, init: RequestInit): Promise<T> {
  const { signal } = init;
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { accept: "application/json", ...init.headers } });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError("The Keystroke server cannot be reached.", 0, "Is `keystroke serve` running?");
  }
  const body = (await response.json().catch((error: unknown) => {
    if (signal?.aborted) throw error;
    return undefined;
  })) as (T & { error?: { message?: string; hint?: string } }) | undefined;
  if (!response.ok || body === undefined) {
    const error = body?.error;
    throw new ApiError(error?.message ?? `The server answered ${response.status}.`, response.status, error?.hint);
  }
  return body;
}

/**
 * Fetches JSON from the API; throws an ApiError with the server's message and hint.
 *
 * @example
 * const page = await getJson<RunPage>("/api/history?status=failed");
 */
export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(path, { signal });
}

/**
 * Posts a JSON body to the API and reads its JSON answer; throws an ApiError like getJson.
 *
 * @example
 * const reply = await postJson<{ status: RunStatus }>(`/api/runs/${runId}/cancel`);
 */
export function postJson<T>(path: string, body: unknown = {}, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(path, {
    method: "POST",
    signal,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

export const isAbort = (error: unknown) => error instanceof DOMException && error.name === "AbortError";
