/** A JSON body's fields, for the account routes that read them one by one (each checked where used). */
import type { FastifyRequest } from "fastify";

export type Body = Record<string, unknown>;

export const bodyOf = (request: FastifyRequest): Body =>
  request.body && typeof request.body === "object" ? (request.body as Body) : {};
