/**
 * The one place the client touches the network: every request goes through `send`, so a
 * connection failure and a non-2xx answer always surface as the same KeystrokeErrors.
 */
import { fromErrorBody, KeystrokeError } from "@keystroke/core";

/** The error of a request no server answered (refused, reset, unknown host…). */
function unreachable(baseUrl: string, cause: unknown): KeystrokeError {
  return new KeystrokeError("unreachable", `No Keystroke server answered at ${baseUrl}`, {
    hint: "Start one with `npm start` (or `keystroke serve`), or point --url / KEYSTROKE_URL at a running server",
    details: { url: baseUrl, reason: reasonOf(cause) },
    cause,
  });
}

function reasonOf(cause: unknown): string {
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  const code = (inner as { code?: unknown } | undefined)?.code;
  if (typeof code === "string") return code;
  return inner instanceof Error ? inner.message : String(inner);
}

/** The parts of a request the client uses. */
export interface SendInit {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal | undefined;
}

/** The parts of an answer the client reads: what `fetch`'s Response has, and what a lighter transport can give. */
export interface HttpResponse {
  ok: boolean;
  status: number;
  text(): Promise<string>;
  body: ReadableStream<Uint8Array> | null;
}

/** How the client sends a request: the global fetch by default. */
export type HttpFetch = (url: URL, init: SendInit) => Promise<HttpResponse>;

/** A destination, the way to reach it and the headers every request to it carries (credentials). */
export interface Endpoint {
  baseUrl: string;
  fetch?: HttpFetch | undefined;
  headers?: Record<string, string> | undefined;
}

/**
 * Sends one request and resolves with whatever the server answered; rejects with `unreachable`
 * when nothing answered, and with the abort reason when `init.signal` aborted it.
 */
export async function request(
  { baseUrl, fetch: http = fetch, headers }: Endpoint,
  url: URL,
  init: SendInit = {},
): Promise<HttpResponse> {
  try {
    return await http(url, headers ? { ...init, headers: { ...headers, ...init.headers } } : init);
  } catch (thrown) {
    if (init.signal?.aborted) throw thrown;
    throw unreachable(baseUrl, thrown);
  }
}

/**
 * Sends one request. Resolves with a 2xx response; rejects like `request`, and with the server's
 * error (via fromErrorBody) for any other status.
 */
export async function send(endpoint: Endpoint, url: URL, init: SendInit = {}): Promise<HttpResponse> {
  const response = await request(endpoint, url, init);
  if (!response.ok) throw fromErrorBody(await readBody(response), response.status);
  return response;
}

/** The JSON body of an answer, or undefined when it has none. */
export async function readBody(response: HttpResponse): Promise<unknown> {
  try {
    return JSON.parse(await response.text());
  } catch {
    return undefined;
  }
}

/** Sends a request and parses its JSON answer. */
export async function sendJson<T>(endpoint: Endpoint, url: URL, init: SendInit = {}): Promise<T> {
  const { baseUrl } = endpoint;
  const response = await send(endpoint, url, { ...init, headers: { accept: "application/json", ...init.headers } });
  let text: string;
  try {
    text = await response.text();
  } catch (thrown) {
    throw unreachable(baseUrl, thrown);
  }
  try {
    return JSON.parse(text) as T;
  } catch (thrown) {
    throw new KeystrokeError("internal", `The server at ${baseUrl} answered ${url.pathname} with invalid JSON`, {
      hint: "Check that --url / KEYSTROKE_URL points at a Keystroke server",
      details: { url: url.href, status: response.status, body: text.slice(0, 200) },
      cause: thrown,
    });
  }
}
