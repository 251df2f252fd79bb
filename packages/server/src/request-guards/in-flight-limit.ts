/**
 * Why: a request body is held in memory while it arrives, so clients that send bodies just under
 * the cap and then stall can hold gigabytes between them. Requests that carry a body are counted
 * from their first byte until their response or their connection is closed, together with the
 * bytes of their body: its Content-Length, reserved up front, or, for a body sent chunked (as
 * OpenTelemetry's HTTP exporters send theirs), the bytes as they arrive — reserving the whole cap
 * for each chunked body refused a fifth exporter's request of a few kilobytes. Past either budget
 * a new request is refused at once with 429 `rate_limited` and Retry-After, before any of its body
 * is read, and a chunked body whose next bytes would take the total past the budget is refused
 * then (the rest of it is read and thrown away, so the client reads the answer:
 * readable-refusals.ts). A request alone is always admitted and read whole, so one body up to the
 * cap always fits.
 */

import type { Socket } from "node:net";
import { Transform } from "node:stream";
import { KeystrokeError } from "@keystroke/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
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

interface Counted {
  bytes: number;
  /** Until the request is released: its answer, or its connection, closed. */
  open: boolean;
  /** The stream that counts a chunked body, once its reading began. */
  counter?: Transform;
}

/** What each connection's close releases: its requests still counted (one listener per connection). */
const onSocketClose = new WeakMap<Socket, Set<() => void>>();

/** Adds `release` to (or, with `add` false, removes it from) what `socket`'s close releases. */
function releasedWith(socket: Socket, release: () => void, add: boolean): void {
  let releases = onSocketClose.get(socket);
  if (!add) {
    releases?.delete(release);
    return;
  }
  if (releases === undefined) {
    const all = new Set<() => void>();
    releases = all;
    onSocketClose.set(socket, all);
    socket.once("close", () => {
      for (const each of [...all]) each();
    });
  }
  releases.add(release);
}

/** The bytes a request's body declares (up to the cap), "chunked" when it declares none, or undefined without a body. */
function declaredBytes(request: FastifyRequest, fallbackLimit: number): number | "chunked" | undefined {
  const limit = request.routeOptions.bodyLimit ?? fallbackLimit;
  const declared = Number(request.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared)) return declared > 0 ? Math.min(declared, limit) : undefined;
  return request.headers["transfer-encoding"] === undefined ? undefined : "chunked";
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
  /** Each chunked body in flight: the bytes counted so far, and the stream that counts them. */
  const chunked = new WeakMap<FastifyRequest, Counted>();

  const busy = (reply: FastifyReply) => {
    void reply.header("retry-after", "1");
    return Object.assign(
      new KeystrokeError(
        "rate_limited",
        `${refusal.who} is busy: ${requests} requests with ${formatBytes(bytes)} of bodies in flight`,
        { hint: refusal.hint, details: { inFlightRequests: requests, inFlightBytes: bytes, maxRequests, maxBytes } },
      ),
      // What the body parser answers for an error of the body's stream (it would say 400).
      { statusCode: 429 },
    );
  };

  app.addHook("onRequest", async (request, reply) => {
    const declared = declaredBytes(request, bodyLimitBytes);
    if (declared === undefined) return;
    // A client gone while an earlier hook waited (say, for its key to be checked): nothing will
    // close its answer, so it is not counted.
    const socket = request.raw.socket;
    if (request.raw.destroyed || socket.destroyed) return;
    const counted: Counted = { bytes: declared === "chunked" ? 0 : declared, open: true };
    if (requests > 0 && (requests >= maxRequests || bytes + counted.bytes > maxBytes)) throw busy(reply);
    requests++;
    bytes += counted.bytes;
    if (declared === "chunked") chunked.set(request, counted);
    const release = () => {
      if (!counted.open) return;
      counted.open = false;
      releasedWith(socket, release, false);
      requests--;
      bytes -= counted.bytes;
      counted.bytes = 0;
      // Whatever of the body is still to come (answered before it was read: 413, 415…) flows
      // through and is dropped, rather than stopping the discard of readable-refusals.ts.
      counted.counter?.resume();
      if (!request.raw.complete) request.raw.resume();
    };
    // The answer's "close" comes once it was sent, failed, hijacked (event streams) or aborted;
    // an answer queued behind another on the same connection gets none if the connection closes
    // first, so the connection's close releases it too.
    reply.raw.once("close", release);
    releasedWith(socket, release, true);
  });

  app.addHook("preParsing", async (request, reply, payload) => {
    const counted = chunked.get(request);
    if (counted === undefined) return payload;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        // Once the answer is sent, the request no longer counts: the rest only passes through.
        if (counted.open && !reply.sent) {
          counted.bytes += chunk.length;
          bytes += chunk.length;
          if (requests > 1 && bytes > maxBytes) {
            callback(busy(reply));
            return;
          }
        }
        callback(null, chunk);
      },
    });
    // A failure before this stream (another limit's refusal, a client gone) reaches the body's
    // reader through it; one after the reader stopped listening is nobody's to throw.
    payload.once("error", (error) => counter.destroy(error));
    counter.on("error", () => {});
    counted.counter = counter;
    payload.pipe(counter);
    return counter;
  });
}
