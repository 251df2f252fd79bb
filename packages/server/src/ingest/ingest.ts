/**
 * `POST /api/ingest`: a recorder in another process sends one batch of a run's events. The
 * batch is validated with core's schema, appended in one store transaction (shared with the
 * batches that arrive at the same time: see ingest-queue.ts), published to live subscribers and
 * acknowledged only after the commit. This route is the hot path of recording, so it adds
 * nothing per event on top of validation and the store.
 */
import { type IngestReply, parseIngestBatch } from "@keystroke/core";
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../server-context.js";

/** Registers `POST /api/ingest`. */
export function ingestRoutes(app: FastifyInstance, { ingest }: ServerContext): void {
  app.post("/api/ingest", async (request): Promise<IngestReply> => {
    const result = await ingest.submit(parseIngestBatch(request.body));
    return {
      runId: result.runId,
      accepted: result.events.length,
      duplicates: result.duplicates,
      lastSeq: result.run.lastSeq,
    };
  });
}
