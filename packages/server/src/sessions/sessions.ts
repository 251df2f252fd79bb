/**
 * Agent sessions: an agent's runs, one per session id. The list takes the `status` and `project`
 * filters of History; one session answers like a run's detail. A request naming a hosted project
 * (`x-keystroke-project`, as the CLI does in a linked project) reads that project's sessions
 * unless `project` says otherwise.
 */
import { KeystrokeError, parseRunFilter, type QueryParams, runFilterParams } from "@keystroke/core";
import type { FastifyInstance } from "fastify";
import { singleParam } from "../paging/query-params.js";
import { runListPage, runListPageParams } from "../paging/run-list-page.js";
import { namedProject } from "../projects/request-project.js";
import { parseRunViewQuery } from "../run-view/run-view-query.js";
import { toRunViewReply } from "../run-view/run-view-reply.js";
import type { ServerContext } from "../server-context.js";

const sessionFilters = ["status", "project"] as const;

function parseSessionFilter(query: QueryParams) {
  const filter = parseRunFilter(query, runListPageParams);
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined || (sessionFilters as readonly string[]).includes(field)) continue;
    const param = runFilterParams[field as keyof typeof runFilterParams];
    throw new KeystrokeError("invalid_input", `Invalid ${param}: sessions are filtered by status and project only`, {
      hint: `Filter agent runs by ${param} with GET /api/history?kind=agent`,
      details: { problems: [{ path: param, message: "not a session filter" }] },
    });
  }
  return { status: filter.status, project: filter.project };
}

/** Registers `GET /api/agents/:slug/sessions` and `GET /api/agents/:slug/sessions/:sessionId`. */
export function sessionRoutes(app: FastifyInstance, { store }: ServerContext): void {
  app.get<{ Params: { slug: string } }>("/api/agents/:slug/sessions", async (request) => {
    const query = request.query as QueryParams;
    const filter = parseSessionFilter(query);
    const named = namedProject(request);
    if (filter.project === undefined && named !== undefined) filter.project = [named];
    const page = await store.listSessions(request.params.slug, filter, runListPage(query));
    return { sessions: page.runs, nextCursor: page.nextCursor };
  });

  app.get<{ Params: { slug: string; sessionId: string } }>("/api/agents/:slug/sessions/:sessionId", async (request) => {
    const { slug, sessionId } = request.params;
    const query = request.query as QueryParams;
    const { parts, include } = parseRunViewQuery(query, ["project"]);
    const project = singleParam(query, "project") ?? namedProject(request);
    const view = await store.getSession({ slug, sessionId, project }, include);
    if (view === undefined) {
      throw new KeystrokeError("not_found", `No session ${sessionId} of agent ${slug}`, {
        hint: `List sessions with \`keystroke agents sessions list ${slug}\``,
        details: { slug, sessionId },
      });
    }
    return toRunViewReply(view, parts);
  });
}
