/**
 * `GET /api/history/live`: the History list's live feed, as Server-Sent Events. Every committed
 * change of a run is sent as its new History row with `matches`: whether the row belongs to the
 * list under the stream's RunFilter (the same query parameters as `GET /api/history`). The page
 * updates rows it shows in place and announces matching runs it does not show ("3 new runs").
 *
 * Whether a row matches is asked of the store itself, with the filter narrowed to the run's
 * trigger time: one indexed query, and no second copy of the filter semantics (search included).
 * Changes are coalesced per run over a short window, so a busy run costs one message per window.
 */
import type { ServerResponse } from "node:http";
import { parseRunFilter, type QueryParams, type RunFilter, type RunSummary } from "@keystroke/core";
import type { RunStore } from "@keystroke/store";
import type { FastifyInstance } from "fastify";
import { HEARTBEAT_MS } from "../events/events.js";
import { sseHeartbeat } from "../events/sse-frame.js";
import type { ServerContext } from "../server-context.js";

/** How long changes are gathered before they are sent. */
export const LIVE_COALESCE_MS = 200;

/** One message of the live feed. */
export interface HistoryLiveChange {
  run: RunSummary;
  matches: boolean;
}

/**
 * Whether `run` is in the History list of `filter`.
 *
 * @example
 * await runMatchesFilter(store, { status: ["failed"] }, run); // true for a failed run
 */
export async function runMatchesFilter(store: RunStore, filter: RunFilter, run: RunSummary): Promise<boolean> {
  const at = Date.parse(run.triggeredAt);
  const from = Math.max(filter.from ?? at, at);
  const to = Math.min(filter.to ?? at + 1, at + 1);
  if (from >= to) return false;
  const page = await store.listRuns({ ...filter, from, to }, { limit: 1000 });
  return page.runs.some((r) => r.runId === run.runId);
}

const frame = (change: HistoryLiveChange) => `event: run\ndata: ${JSON.stringify(change)}\n\n`;

/** Registers the live History feed; open streams end when the server closes. */
export function historyLiveRoutes(app: FastifyInstance, { store, bus }: ServerContext): void {
  const open = new Set<ServerResponse>();
  app.addHook("preClose", (done) => {
    for (const response of open) response.end();
    done();
  });

  app.get("/api/history/live", async (request, reply) => {
    const filter = parseRunFilter(request.query as QueryParams);
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    response.write(sseHeartbeat);
    open.add(response);

    const pending = new Map<string, RunSummary>();
    let timer: NodeJS.Timeout | undefined;
    let sending = Promise.resolve();
    const send = async (runs: RunSummary[]) => {
      let text = "";
      for (const run of runs) text += frame({ run, matches: await runMatchesFilter(store, filter, run) });
      if (!response.writableEnded) response.write(text);
    };
    const flush = () => {
      timer = undefined;
      const runs = [...pending.values()];
      pending.clear();
      sending = sending
        .then(() => send(runs))
        .catch((error: unknown) => {
          request.log.error({ err: error }, "history live feed failed");
          response.end();
        });
    };
    const unsubscribe = bus.subscribeAll((batch) => {
      pending.set(batch.runId, batch.run);
      timer ??= setTimeout(flush, LIVE_COALESCE_MS);
    });
    const heartbeat = setInterval(() => response.write(sseHeartbeat), HEARTBEAT_MS);
    response.on("close", () => {
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(timer);
      open.delete(response);
    });
  });
}
