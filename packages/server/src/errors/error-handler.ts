import { type ErrorCode, KeystrokeError } from "@keystroke/core";
import type { FastifyInstance, FastifyReply } from "fastify";
import { toApiError } from "./to-api-error.js";

/** A 429 or 503 says when to retry (Retry-After), unless what refused already said. */
export function sayWhenToRetry(reply: FastifyReply, code: ErrorCode): void {
  if ((code === "rate_limited" || code === "unavailable") && !reply.hasHeader("retry-after")) {
    void reply.header("retry-after", "1");
  }
}

/**
 * Answers every failure of `app` as `{ error: { code, message, hint, details } }` with the status
 * its code maps to, including unknown routes; 429 and 503 say when to retry (Retry-After).
 */
export function useErrorHandler(app: FastifyInstance, bodyLimitBytes: number): void {
  app.setErrorHandler((thrown, request, reply) => {
    const error = toApiError(thrown, { bodyLimitBytes, contentType: request.headers["content-type"] });
    if (error.code === "internal") request.log.error({ err: thrown }, "request failed");
    sayWhenToRetry(reply, error.code);
    return reply.status(error.httpStatus).send(error.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?", 1)[0];
    const error = new KeystrokeError("not_found", `No route ${request.method} ${path}`, {
      hint: "See GET /api/openapi.json for the routes of this server",
    });
    return reply.status(error.httpStatus).send(error.toBody());
  });
}
