/**
 * History routes: the list of runs (RunFilter as query parameters, keyset-paged) and one run's
 * detail with its conversation, trace and steps paged in on request.
 */
import { parseRunFilter, type QueryParams } from "@keystroke/core";
import type { FastifyInstance } from "fastify";
import { runListPage, runListPageParams } from "../paging/run-list-page.js";
import { parseRunViewQuery } from "../run-view/run-view-query.js";
import { toRunViewReply } from "../run-view/run-view-reply.js";
import { parseRunIdParam, runNotFound } from "../runs/run-id-param.js";
import type { ServerContext } from "../server-context.js";

/** Registers `GET /api/history` and `GET /api/history/:runId`. */
export function historyRoutes(app: FastifyInstance, { store, workflows }: ServerContext): void {
  app.get("/api/history", async (request) => {
    const query = request.query as QueryParams;
    const filter = parseRunFilter(query, runListPageParams);
    const page = await store.listRuns(filter, runListPage(query));
    return { runs: page.runs, nextCursor: page.nextCursor };
  });

  app.get<{ Params: { runId: string } }>("/api/history/:runId", async (request) => {
    const runId = parseRunIdParam(request.params.runId);
    const { parts, include } = parseRunViewQuery(request.query as QueryParams);
    const view = await store.getRun(runId, include);
    if (view === undefined) throw runNotFound(runId);
    return toRunViewReply(view, parts, (runId, stepId) => workflows.resumeUrl(runId, stepId));
  });
}
