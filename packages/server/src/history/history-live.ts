/**
 * `GET /api/history/live`: the History list's live feed, as Server-Sent Events. Every committed
 * change of a run is sent as its new History row with `matches`: whether the row belongs to the
 * list under the stream's RunFilter (the same query parameters as `GET /api/history`). The page
 * updates rows it shows in place and announces matching runs it does not show ("3 new runs").
 *
 * Whether a row matches is asked of the store itself, with the filter narrowed to the trigger
 * times of the changed runs: one indexed query per window, and no second copy of the filter
 * semantics (search included).
 * Changes are coalesced per run over a short window, so a busy run costs one message per window.
 */
import type { ServerResponse } from "node:http";
import { parseRunFilter, type QueryParams, type RunFilter, type RunSummary } from "@keystroke/core";
import type { RunStore } from "@keystroke/store";
import type { FastifyInstance } from "fastify";
import { callerStorage } from "../auth/caller.js";
import { scopeFilter } from "../auth/scoped-store.js";
import { HEARTBEAT_MS } from "../events/events.js";
import { sseHeartbeat, sseMessage } from "../events/sse-frame.js";
import { openSseResponse } from "../events/sse-response.js";
import type { ServerContext } from "../server-context.js";

/** How long changes are gathered before they are sent. */
export const LIVE_COALESCE_MS = 200;
const MATCH_PAGE = 1000;

/** One message of the live feed. */
export interface HistoryLiveChange {
  run: RunSummary;
  matches: boolean;
  /** The run is gone from History: another run absorbed its events (`run.absorbed`). */
  removed?: true;
}

/** The History list of `filter` between two trigger times; undefined when it is longer than a page. */
async function listBetween(
  store: RunStore,
  filter: RunFilter,
  from: number,
  to: number,
): Promise<Set<string> | undefined> {
  const start = Math.max(filter.from ?? from, from);
  const end = Math.min(filter.to ?? to, to);
  if (start >= end) return new Set();
  const page = await store.listRuns({ ...filter, from: start, to: end }, { limit: MATCH_PAGE });
  return page.nextCursor === null ? new Set(page.runs.map((r) => r.runId)) : undefined;
}

/**
 * Which of `runs` are in the History list of `filter`: one query over their trigger times when
 * that fits a page (the usual case: changes are to recent runs), else one query per run.
 *
 * @example
 * await runsMatchingFilter(store, { status: ["failed"] }, [run]); // Set { run.runId } for a failed run
 */
export async function runsMatchingFilter(
  store: RunStore,
  filter: RunFilter,
  runs: readonly RunSummary[],
): Promise<Set<string>> {
  if (runs.length === 0) return new Set();
  const times = runs.map((run) => Date.parse(run.triggeredAt));
  const together = await listBetween(store, filter, Math.min(...times), Math.max(...times) + 1);
  if (together !== undefined) return together;
  const matching = new Set<string>();
  for (const [i, run] of runs.entries()) {
    const at = times[i] as number;
    if ((await listBetween(store, filter, at, at + 1))?.has(run.runId) ?? true) matching.add(run.runId);
  }
  return matching;
}

/** Registers the live History feed; open streams end when the server closes. */
export function historyLiveRoutes(app: FastifyInstance, { store, bus }: ServerContext): void {
  const open = new Set<ServerResponse>();
  app.addHook("preClose", (done) => {
    for (const response of open) response.end();
    done();
  });

  app.get("/api/history/live", async (request, reply) => {
    // Changes arrive from the bus, outside this request: the caller's scope is applied here.
    const caller = callerStorage.getStore();
    const scoped = scopeFilter(parseRunFilter(request.query as QueryParams));
    const filter: RunFilter = scoped ?? { project: [] };
    const visible = (project: string) => caller === undefined || caller.projects.has(project);
    const response = openSseResponse(reply);
    open.add(response);

    const pending = new Map<string, RunSummary>();
    const removed = new Set<string>();
    let timer: NodeJS.Timeout | undefined;
    let sending = Promise.resolve();
    const send = async (runs: RunSummary[]) => {
      const matching = scoped ? await runsMatchingFilter(store, filter, runs) : new Set<string>();
      let text = "";
      for (const run of runs) {
        const gone = removed.delete(run.runId);
        const change: HistoryLiveChange = gone
          ? { run, matches: false, removed: true }
          : { run, matches: matching.has(run.runId) };
        text += sseMessage("run", change);
      }
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
    const unsubscribe = bus.subscribeAll(
      (batch) => {
        if (!visible(batch.run.project)) return;
        pending.set(batch.runId, batch.run);
        if (batch.movedTo !== undefined) removed.add(batch.runId);
        else removed.delete(batch.runId);
        timer ??= setTimeout(flush, LIVE_COALESCE_MS);
      },
      { rowsOnly: true },
    );
    const heartbeat = setInterval(() => {
      response.write(sseHeartbeat);
      // A key revoked or a session ended while the feed is open ends the feed.
      void request.recheckCaller?.().then((ok) => {
        if (!ok) response.end();
      });
    }, HEARTBEAT_MS);
    response.on("close", () => {
      unsubscribe();
      clearInterval(heartbeat);
      clearTimeout(timer);
      open.delete(response);
    });
  });
}
