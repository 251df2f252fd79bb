/**
 * Workflow routes: the hosted project's workflows, starting a run (`202 { runId }`, or 400
 * naming the input field and no run), a workflow's runs, and one run's detail.
 */
import { KeystrokeError, parseRunFilter, type QueryParams, runFilterParams, type WorkflowList } from "@keystroke/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { resolveRetry } from "keystroke/workflow";
import { z } from "zod";
import { runListPage, runListPageParams } from "../paging/run-list-page.js";
import { namedProject, requestProject, requireProject } from "../projects/request-project.js";
import { parseRunViewQuery } from "../run-view/run-view-query.js";
import { toRunViewReply } from "../run-view/run-view-reply.js";
import { requestOrigin } from "../runs/request-origin.js";
import { parseRunIdParam } from "../runs/run-id-param.js";
import type { ServerContext } from "../server-context.js";

/** The body of `POST /api/workflows/:slug/runs`. */
export const workflowRunBodySchema = z
  .object({ input: z.unknown().optional().describe("The workflow's input, checked against its input schema") })
  .strict();

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  try {
    return z.toJSONSchema(schema, { unrepresentable: "any", io: "input" });
  } catch {
    return {};
  }
}

function parseRunBody(body: unknown): unknown {
  const parsed = workflowRunBodySchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KeystrokeError("invalid_input", `Invalid body: ${issue?.message ?? "expected { input }"}`, {
      hint: 'Send { "input": … } with the workflow\'s input',
      details: {
        problems: parsed.error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message })),
      },
    });
  }
  return parsed.data.input;
}

/** Registers the `/api/workflows` routes. */
export function workflowRoutes(app: FastifyInstance, { store, workflows, agents }: ServerContext): void {
  app.get("/api/workflows", async (request): Promise<WorkflowList> => {
    const project = requestProject(request, agents);
    return {
      project: project ?? null,
      workflows: (project === undefined ? [] : workflows.list(project)).map((workflow) => ({
        slug: workflow.slug,
        name: workflow.name,
        description: workflow.description,
        input: jsonSchemaOf(workflow.input),
        output: jsonSchemaOf(workflow.output),
        retries: resolveRetry(workflow.retries).attempts - 1,
        concurrency: workflow.concurrency ?? null,
      })),
    };
  });

  const start = async (request: FastifyRequest<{ Params: { slug: string } }>, reply: FastifyReply) => {
    const { slug } = request.params;
    const input = parseRunBody(request.body);
    const origin = requestOrigin(request, {
      cli: "CLI run",
      api: "API run",
      command: `keystroke workflows run ${slug}`,
    });
    const project = requireProject(request, agents);
    const { runId } = await workflows.runtime.start(slug, input, { ...origin, project });
    reply.code(202);
    return { runId, status: "queued" as const };
  };
  app.post("/api/workflows/:slug/runs", start);
  app.post("/api/workflows/:slug", start);

  app.get<{ Params: { slug: string } }>("/api/workflows/:slug/runs", async (request) => {
    const query = request.query as QueryParams;
    const filter = parseRunFilter(query, runListPageParams);
    for (const [field, value] of Object.entries(filter)) {
      if (value === undefined || field === "status" || field === "project") continue;
      const param = runFilterParams[field as keyof typeof runFilterParams];
      throw new KeystrokeError(
        "invalid_input",
        `Invalid ${param}: workflow runs are filtered by status and project only`,
        {
          hint: `Filter workflow runs by ${param} with GET /api/history?kind=workflow`,
          details: { problems: [{ path: param, message: "not a workflow run filter" }] },
        },
      );
    }
    // A request naming a hosted project (the CLI in a linked project) lists that project's runs.
    const named = namedProject(request);
    const project = filter.project ?? (named === undefined ? undefined : [named]);
    const page = await store.listRuns(
      { kind: ["workflow"], slug: [request.params.slug], status: filter.status, project },
      runListPage(query),
    );
    return { runs: page.runs, nextCursor: page.nextCursor };
  });

  app.get<{ Params: { slug: string; runId: string } }>("/api/workflows/:slug/runs/:runId", async (request) => {
    const { slug } = request.params;
    const runId = parseRunIdParam(request.params.runId);
    const { parts, include } = parseRunViewQuery(request.query as QueryParams);
    const view = await store.getRun(runId, include);
    if (view === undefined || view.run.kind !== "workflow" || view.run.slug !== slug) {
      throw new KeystrokeError("not_found", `No run ${runId} of workflow ${slug}`, {
        hint: `List its runs with \`keystroke workflows runs list ${slug}\``,
        details: { slug, runId },
      });
    }
    return toRunViewReply(view, parts, (id, stepId) => workflows.resumeUrl(id, stepId));
  });
}
