/**
 * Why: a request body is held in memory while it arrives, so clients that send bodies just under
 * the cap and then stall can hold gigabytes between them. Requests that carry a body are counted
 * from their first byte until their response is closed, together with the bytes their body may
 * take (its Content-Length, or the body cap when it is sent chunked); past either budget a new
 * one is refused at once with 429 `rate_limited` (the error handlers add Retry-After) before any
 * of its body is read. A request alone is always admitted, so one body up to the cap always fits.
 */

import { KeystrokeError } from "@keystroke/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { formatBytes } from "../errors/format-bytes.js";

/** The default number of requests with a body in flight at once. */
export const DEFAULT_MAX_IN_FLIGHT_REQUESTS = 256;
/** The default total of the bodies in flight at once: 64 MiB. */
export const DEFAULT_MAX_IN_FLIGHT_BYTES = 64 * 1024 * 1024;

export interface InFlightLimitOptions {
  /** Requests with a body in flight at once; past it, 429. */
  maxRequests?: number;
  /** Bytes of the bodies in flight at once; past it, 429. */
  maxBytes?: number;
}

export interface InFlightRefusal {
  /** Who is busy, e.g. "The server" or "The OTLP receiver". */
  who: string;
  hint: string;
}

/** The bytes a request's body may take, or undefined when it has none. */
function bodyBytes(request: FastifyRequest, fallbackLimit: number): number | undefined {
  const limit = request.routeOptions.bodyLimit ?? fallbackLimit;
  const declared = Number(request.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared)) return declared > 0 ? Math.min(declared, limit) : undefined;
  return request.headers["transfer-encoding"] === undefined ? undefined : limit;
}

/**
 * Counts the requests with a body in flight on `app` (and its child plugins) and refuses new ones
 * past the budgets.
 *
 * @example
 * useInFlightLimit(app, { maxRequests: 64 }, 16 * 1024 * 1024, { who: "The server", hint: "Retry later" });
 */
export function useInFlightLimit(
  app: FastifyInstance,
  options: InFlightLimitOptions,
  bodyLimitBytes: number,
  refusal: InFlightRefusal,
): void {
  const maxRequests = options.maxRequests ?? DEFAULT_MAX_IN_FLIGHT_REQUESTS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IN_FLIGHT_BYTES;
  let requests = 0;
  let bytes = 0;
  app.addHook("onRequest", async (request, reply) => {
    const size = bodyBytes(request, bodyLimitBytes);
    if (size === undefined) return;
    if (requests > 0 && (requests >= maxRequests || bytes + size > maxBytes)) {
      throw new KeystrokeError(
        "rate_limited",
        `${refusal.who} is busy: ${requests} requests with ${formatBytes(bytes)} of bodies in flight`,
        { hint: refusal.hint, details: { inFlightRequests: requests, inFlightBytes: bytes, maxRequests, maxBytes } },
      );
    }
    requests++;
    bytes += size;
    // "close" comes once for every response: sent, failed, hijacked (event streams) or aborted.
    reply.raw.once("close", () => {
      requests--;
      bytes -= size;
    });
  });
}
