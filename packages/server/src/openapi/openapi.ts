import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../server-context.js";
import { buildOpenApiDocument } from "./openapi-document.js";

/** Registers `GET /api/openapi.json`; the document is built once, on the first request. */
export function openApiRoutes(app: FastifyInstance, { version, auth }: ServerContext): void {
  let document: string | undefined;
  app.get("/api/openapi.json", async (_request, reply) => {
    document ??= JSON.stringify(buildOpenApiDocument(version, { auth }));
    return reply.type("application/json; charset=utf-8").send(document);
  });
}
