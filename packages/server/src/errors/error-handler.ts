import { KeystrokeError } from "@keystroke/core";
import type { FastifyInstance } from "fastify";
import { toApiError } from "./to-api-error.js";

/**
 * Answers every failure of `app` as `{ error: { code, message, hint, details } }` with the status
 * its code maps to, including unknown routes; 429 and 503 say when to retry (Retry-After).
 */
export function useErrorHandler(app: FastifyInstance, bodyLimitBytes: number): void {
  app.setErrorHandler((thrown, request, reply) => {
    const error = toApiError(thrown, { bodyLimitBytes, contentType: request.headers["content-type"] });
    if (error.code === "internal") request.log.error({ err: thrown }, "request failed");
    if ((error.code === "rate_limited" || error.code === "unavailable") && !reply.hasHeader("retry-after")) {
      reply.header("retry-after", "1");
    }
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
