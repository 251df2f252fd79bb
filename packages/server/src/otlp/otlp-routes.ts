/**
 * `POST /v1/traces` and `POST /v1/logs`: the OTLP/HTTP receiver. Any OpenTelemetry exporter
 * pointed at the server sends its spans and logs here; they are decoded (protobuf or JSON, gzip
 * or not), mapped to run events (map/) and appended through the one write path, and the answer
 * follows OTLP rather than the rest of the API: in the request's encoding, 400 for what cannot
 * be decoded, 413 over the cap, 429 with Retry-After while too many requests are in flight, 503
 * with Retry-After when the store could not write (what the request took from memory is held
 * again and every id is derived, so the exporter's retry writes it whole and adds nothing twice),
 * and partial success for items that could not be placed or that the store refused as invalid.
 * Decoding and mapping run on a thread of their own (mapping-thread.ts).
 *
 * The routes live in an encapsulated plugin with their own body parser and error handler, so
 * the JSON parser and error format of the rest of the API do not apply to them.
 */
import { type IngestBatch, KeystrokeError, type RunEvent, toKeystrokeError } from "@keystroke/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { toApiError } from "../errors/to-api-error.js";
import { useInFlightLimit } from "../request-guards/in-flight-limit.js";
import type { ServerContext } from "../server-context.js";
import { type Mapped, MappingThread } from "./mapping-thread.js";
import { encodingOf, tooLarge } from "./otlp-body.js";
import { type OtlpEncoding, type OtlpSignal, sendExportResponse, sendStatus } from "./otlp-reply.js";
import { waitingOtlpRuns } from "./waiting-runs.js";

/** The default cap on an OTLP body, compressed or not: 8 MiB. */
export const DEFAULT_OTLP_MAX_BODY_BYTES = 8 * 1024 * 1024;
/** The default number of OTLP requests in flight before new ones get 429. */
export const DEFAULT_OTLP_MAX_IN_FLIGHT = 64;

export interface OtlpReceiverOptions {
  /** Larger bodies (before or after gzip) get 413. Default 8 MiB. */
  maxBodyBytes?: number;
  /** Requests being read, decoded or committed at once; past it, 429 + Retry-After. Default 64. */
  maxInFlight?: number;
}

function projectHeader(request: FastifyRequest): string | undefined {
  const value = request.headers["x-keystroke-project"];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim() === "" ? undefined : first.trim();
}

/** Why the store refuses one batch for what it holds; anything else is the store failing, worth a retry. */
const refusals = new Set(["invalid_input", "conflict"]);

function storeFailure(request: FastifyRequest, cause: unknown): KeystrokeError {
  request.log.error({ err: cause }, "OTLP: the store could not write");
  return new KeystrokeError("unavailable", "The store could not write the OTLP data; retry later", {
    hint: "Retry after the number of seconds in Retry-After; OTLP exporters do this on their own",
  });
}

/** Spans and log records a refused batch carried, for the partial-success count. */
function items(events: readonly RunEvent[]): number {
  let count = 0;
  for (const event of events) if (event.type === "span.recorded" || event.type === "log.recorded") count++;
  return count;
}

/**
 * Registers the OTLP receiver on `app`.
 *
 * @example
 * otlpRoutes(app, context, { maxBodyBytes: 4 * 1024 * 1024 });
 */
export function otlpRoutes(
  app: FastifyInstance,
  { ingest, store }: ServerContext,
  options: OtlpReceiverOptions = {},
): void {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_OTLP_MAX_BODY_BYTES;
  const maxInFlight = options.maxInFlight ?? DEFAULT_OTLP_MAX_IN_FLIGHT;
  const mapper = new MappingThread({
    maxBodyBytes,
    log: (err) => app.log.error({ err }, "OTLP: the mapping thread stopped"),
    waitingRuns: () =>
      waitingOtlpRuns(store).catch((err: unknown) => {
        app.log.error({ err }, "OTLP: could not read which runs wait for their conversation id");
        return { runIds: [], traces: [], rooted: [] };
      }),
  });
  const encodingFor = (request: FastifyRequest): OtlpEncoding => encodingOf(request.headers["content-type"]) ?? "json";

  /**
   * Appends mapped batches. Those the store refused for what they hold count as rejected items;
   * those it could not write are handed back to the mapping thread, to be written by a retry.
   */
  const append = async (mapped: Mapped, onFailure: (cause: unknown) => void) => {
    const outcomes = await Promise.allSettled(mapped.batches.map((batch) => ingest.submit(batch)));
    let rejected = 0;
    let reason = "";
    const giveBack: number[] = [];
    outcomes.forEach((outcome, i) => {
      if (outcome.status === "fulfilled") return;
      const error = toKeystrokeError(outcome.reason);
      if (refusals.has(error.code)) {
        rejected += items((mapped.batches[i] as IngestBatch).events);
        reason ||= error.message;
      } else {
        giveBack.push(i);
        onFailure(outcome.reason);
      }
    });
    mapper.settle(mapped.id, giveBack);
    return { rejected, reason };
  };

  const receive = (signal: OtlpSignal) => async (request: FastifyRequest, reply: FastifyReply) => {
    const encoding = encodingOf(request.headers["content-type"]);
    if (encoding === undefined) {
      throw new KeystrokeError(
        "unsupported_media_type",
        `Unsupported Content-Type "${request.headers["content-type"] ?? "(none)"}"`,
        {
          hint: "OTLP/HTTP bodies are application/x-protobuf or application/json",
        },
      );
    }
    if (!Buffer.isBuffer(request.body)) throw new KeystrokeError("invalid_input", "Undecodable OTLP body: no body");
    const contentEncoding = request.headers["content-encoding"];
    const mapped = await mapper.map({
      body: request.body,
      contentEncoding: Array.isArray(contentEncoding) ? contentEncoding.join(",") : contentEncoding,
      encoding,
      signal,
      project: projectHeader(request),
    });
    let failure: unknown;
    const appended = await append(mapped, (cause) => {
      failure ??= cause;
    });
    if (failure !== undefined) throw storeFailure(request, failure);
    return sendExportResponse(
      reply,
      encoding,
      signal,
      mapped.rejected + appended.rejected,
      mapped.reason || appended.reason,
    );
  };

  // Conversations whose root span never came are written once quiet, and all of them at close.
  const writeWaiting = async (all: boolean) => {
    const mapped = await mapper.drain(all);
    const { rejected, reason } = await append(mapped, (cause) =>
      app.log.error({ err: cause }, "OTLP: a conversation waiting for its root span was not written"),
    );
    if (rejected > 0) {
      app.log.error({ rejected, reason }, "OTLP: the store refused a conversation waiting for its root span");
    }
  };
  const timer = setInterval(
    () =>
      void writeWaiting(false).catch((err) => app.log.error({ err }, "OTLP: conversations waiting were not written")),
    5_000,
  ).unref();
  app.addHook("onClose", async () => {
    clearInterval(timer);
    // A mapping thread that does not answer does not hold up the close for long.
    let stalled: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      stalled = setTimeout(() => {
        app.log.error("OTLP: the mapping thread did not hand over the conversations waiting in 10 s");
        resolve();
      }, 10_000);
    });
    await Promise.race([
      writeWaiting(true).catch((err) => app.log.error({ err }, "OTLP: conversations waiting were not written")),
      timeout,
    ]);
    clearTimeout(stalled);
    await mapper.close();
  });

  app.register(async (otlp) => {
    otlp.removeAllContentTypeParsers();
    otlp.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: maxBodyBytes }, (_request, body, done) =>
      done(null, body),
    );
    // The server's budget applies too; this one keeps the receiver from taking all of it.
    useInFlightLimit(otlp, { maxRequests: maxInFlight, maxBytes: maxInFlight * maxBodyBytes }, maxBodyBytes, {
      who: "The OTLP receiver",
      hint: "Retry after the number of seconds in Retry-After; OTLP exporters do this on their own",
    });
    otlp.setErrorHandler((thrown, request, reply) => {
      const error =
        (thrown as { code?: string }).code === "FST_ERR_CTP_BODY_TOO_LARGE"
          ? tooLarge(maxBodyBytes)
          : toApiError(thrown, { bodyLimitBytes: maxBodyBytes, contentType: request.headers["content-type"] });
      if (error.code === "internal") request.log.error({ err: thrown }, "OTLP request failed");
      return sendStatus(reply, encodingFor(request), error);
    });
    otlp.post("/v1/traces", receive("traces"));
    otlp.post("/v1/logs", receive("logs"));
  });
}
