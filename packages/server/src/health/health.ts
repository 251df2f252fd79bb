import { type HealthReply, KeystrokeError } from "@keystroke/core";
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../server-context.js";

/**
 * Registers `GET /api/health`: `{ status: "ok", version, store: "ok", uptimeMs }` once the store
 * has answered a one-row read, 503 `unavailable` when it cannot.
 */
export function healthRoutes(app: FastifyInstance, { store, version, startedAt }: ServerContext): void {
  app.get("/api/health", async (): Promise<HealthReply> => {
    try {
      await store.listRuns({}, { limit: 1 });
    } catch (error) {
      throw new KeystrokeError("unavailable", `The store is not answering: ${(error as Error).message}`, {
        hint: "Check the database file or connection the server was started with",
        cause: error,
      });
    }
    return { status: "ok", version, store: "ok", uptimeMs: Date.now() - startedAt };
  });
}
