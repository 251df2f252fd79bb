/**
 * Control of the hosted triggers, under `/api/trigger-sources` (never `/api/triggers/`, where
 * webhooks are received, exempt from the server's same-origin check):
 *
 * - `GET  /api/trigger-sources` — every attachment with its state and newest deliveries
 * - `POST /api/trigger-sources/:slug/invoke` `{ input?, workflow?, agent? }` — fires now, as a real
 *   delivery (webhook: `input` is the body, checked and filtered; cron: `input` or the payload;
 *   poll: one tick) → 202 `{ runIds, deliveries }`. Disabled attachments fire too: it is explicit.
 * - `POST /api/trigger-sources/:slug/disable` and `/enable` `{ workflow?, agent? }` → `{ triggers }`
 * - `GET  /api/trigger-sources/:slug/runs/:runId` — the run, when that source started it
 *
 * On a server hosting several projects a request names its project (request-project.ts); the
 * list without one shows every project the caller can access, each attachment with its project.
 */
import { KeystrokeError, type QueryParams, type TriggerList } from "@keystroke/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { namedProject, requireProject, visibleProjects } from "../projects/request-project.js";
import { parseRunViewQuery } from "../run-view/run-view-query.js";
import { toRunViewReply } from "../run-view/run-view-reply.js";
import { parseRunIdParam } from "../runs/run-id-param.js";
import type { ServerContext } from "../server-context.js";
import type { Outcome } from "./trigger-delivery.js";
import type { TriggerService } from "./trigger-service.js";

/** The body of `/disable` and `/enable`: which attachments (all of the source without one). */
export const triggerTargetBodySchema = z
  .object({
    workflow: z.string().min(1).optional().describe("Only the attachment to this workflow"),
    agent: z.string().min(1).optional().describe("Only the attachment to this agent"),
  })
  .strict();

/** The body of `/invoke`. */
export const triggerInvokeBodySchema = triggerTargetBodySchema
  .extend({ input: z.unknown().optional().describe("Webhook: the body; cron: the payload; poll: unused") })
  .strict();

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") || "(body)";
  throw new KeystrokeError("invalid_input", `Invalid body: ${field}: ${issue?.message ?? "invalid"}`, {
    hint: 'Send { "workflow": "<slug>" } or { "agent": "<slug>" } to pick an attachment (or nothing for all)',
    details: { field },
  });
}

const shown = (o: Outcome) => ({
  trigger: o.id,
  outcome: o.delivery.outcome,
  runId: o.delivery.runId,
  reason: o.delivery.reason,
});

/** Registers the `/api/trigger-sources` routes. */
export function triggerControlRoutes(app: FastifyInstance, context: ServerContext): void {
  const { store, workflows, agents } = context;
  /** The engine of a hosted project: a deployed project's own, else the folder project's. */
  const engineOf = (project: string): TriggerService => context.deployedTriggers.get(project) ?? context.triggers;
  const engine = (request: FastifyRequest) => engineOf(requireProject(request, agents));

  app.get("/api/trigger-sources", async (request): Promise<TriggerList> => {
    const visible = visibleProjects(request, agents);
    const named = namedProject(request) !== undefined && visible.length > 0;
    const projects = named ? [requireProject(request, agents)] : visible;
    const lists = await Promise.all(projects.map((project) => engineOf(project).list()));
    return { triggers: lists.flat() };
  });

  for (const action of ["enable", "disable"] as const) {
    app.post<{ Params: { slug: string } }>(`/api/trigger-sources/:slug/${action}`, async (request) => {
      const flags = parseBody(triggerTargetBodySchema, request.body);
      return { triggers: await engine(request).setEnabled(request.params.slug, flags, action === "enable") };
    });
  }

  app.post<{ Params: { slug: string } }>("/api/trigger-sources/:slug/invoke", async (request, reply) => {
    const { input, ...flags } = parseBody(triggerInvokeBodySchema, request.body);
    const { slug } = request.params;
    const triggers = engine(request);
    const source = triggers.current.source(slug);
    const attachments = triggers.current.attachments(slug, flags);
    let outcomes: Outcome[];
    if (source.kind === "poll") {
      outcomes = await triggers.tickPoll(slug, attachments);
    } else if (source.kind === "cron") {
      const payload = input === undefined ? source.payload : input;
      outcomes = await triggers.deliverNow(attachments, payload, { tick: new Date().toISOString(), invoked: true });
    } else {
      const parsed = source.request.safeParse(input ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue?.path.map(String).join(".") || "input";
        throw new KeystrokeError("invalid_input", `Invalid input: ${field}: ${issue?.message ?? "invalid"}`, {
          hint: `Send the body trigger "${slug}" describes as input`,
          details: { field },
        });
      }
      if (source.filter && !source.filter(parsed.data)) {
        await triggers.recordNotStarted(attachments, "filtered", "filter dropped the event");
        outcomes = [];
      } else {
        outcomes = await triggers.deliverNow(attachments, parsed.data, {
          body: parsed.data,
          headers: {},
          invoked: true,
        });
      }
    }
    reply.code(202);
    return {
      runIds: outcomes.flatMap((o) => (o.delivery.runId ? [o.delivery.runId] : [])),
      deliveries: outcomes.map(shown),
    };
  });

  app.get<{ Params: { slug: string; runId: string } }>("/api/trigger-sources/:slug/runs/:runId", async (request) => {
    const { slug } = request.params;
    const project = requireProject(request, agents);
    engineOf(project).current.source(slug);
    const runId = parseRunIdParam(request.params.runId);
    const { parts, include } = parseRunViewQuery(request.query as QueryParams);
    const view = await store.getRun(runId, include);
    const actor = view?.run.actor;
    const ours = view?.run.source === "trigger" && view.run.project === project;
    if (!ours || actor?.type !== "trigger" || !actor.id.startsWith(`${slug}:`)) {
      throw new KeystrokeError("not_found", `No run ${runId} started by trigger source "${slug}"`, {
        hint: "GET /api/trigger-sources lists each attachment's recent deliveries and their runs",
        details: { slug, runId },
      });
    }
    return toRunViewReply(view, parts, (id, stepId) => workflows.resumeUrl(id, stepId));
  });
}
