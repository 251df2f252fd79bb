/**
 * `POST /api/runs/:runId/cancel`: stops a running session or an active workflow run (queued,
 * running, sleeping or waiting on a hook). A run executing in this server — or, on a shared
 * database, in the live replica or worker holding it — is aborted and records itself canceled;
 * an active run nothing executes any more (its process died) is recorded canceled here. Finished runs answer 409 with their status.
 */
import { type CancelReply, KeystrokeError, statusCatalog } from "@keystroke/core";
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "../server-context.js";
import { parseRunIdParam, runNotFound } from "./run-id-param.js";

const CANCEL_WAIT_MS = 10_000;

export function cancelRunRoutes(app: FastifyInstance, { store, bus, agents, ingest, workflows }: ServerContext): void {
  app.post<{ Params: { runId: string } }>("/api/runs/:runId/cancel", async (request): Promise<CancelReply> => {
    const runId = parseRunIdParam(request.params.runId);
    const view = await store.getRun(runId);
    if (!view) throw runNotFound(runId);
    if (statusCatalog[view.run.status].group === "finished") {
      throw new KeystrokeError("conflict", `Run ${runId} already finished: ${statusCatalog[view.run.status].label}`, {
        hint: "Only queued, running, sleeping or waiting runs can be canceled",
        details: { runId, status: view.run.status },
      });
    }
    const finished = new Promise<void>((resolve) => {
      const timer = setTimeout(done, CANCEL_WAIT_MS);
      const unsubscribe = bus.subscribe(runId, ({ events }) => {
        if (events.some((e) => e.type === "run.finished")) done();
      });
      function done() {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      }
    });
    const canceled =
      view.run.kind === "workflow" ? await workflows.runtime.cancel(runId) : await agents.cancelAnywhere(runId);
    if (!canceled) {
      await ingest.submit({
        runId,
        events: [
          {
            type: "run.finished",
            eventId: `cancel-${runId}`,
            time: new Date().toISOString(),
            status: "canceled",
            error: { name: "Canceled", message: "Canceled; no process was running this run any more" },
          },
        ],
      });
    }
    await finished;
    const after = await store.getRun(runId);
    return { runId, status: after?.run.status ?? "canceled" };
  });
}
