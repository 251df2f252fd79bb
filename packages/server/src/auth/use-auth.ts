/**
 * Authentication on a team server: every `/api` route needs a session or an API key, answered
 * 401 without one; the routes that carry their own credential (hooks, webhooks, Slack) and
 * `/api/health` need none; `/api/auth/…` reads one when given (sign-out, `me`, approving a CLI).
 * The OTLP receiver needs an API key bound to a project, which decides where its runs go. The
 * caller then rides along the request in `callerStorage`, so the scoped store hides every run the
 * caller may not see.
 */
import { type IngestBatch, KeystrokeError } from "@keystroke/core";
import type { RunStore } from "@keystroke/store";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AuthService } from "./auth-service.js";
import { type Caller, callerStorage, qualifiedProject, resolveCaller } from "./caller.js";

const OWN_CREDENTIAL = ["/api/hooks/", "/api/triggers/", "/api/gateways/"];
const OTLP = ["/v1/traces", "/v1/logs"];

type Need = "none" | "optional" | "required" | "project_key";

/**
 * The path the router matched, as the route declares it (`/api/history/:runId`), so that a path
 * written another way (`/%61pi/history`) is judged as the route it reaches; for a path no route
 * matches, the decoded path.
 */
function routePath(request: FastifyRequest): string {
  const pattern = request.routeOptions.url;
  if (pattern) return pattern;
  const raw = request.url.split("?")[0] ?? "";
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function needOf(path: string): Need {
  if (path === "/api/health") return "none";
  if (OWN_CREDENTIAL.some((prefix) => path.startsWith(prefix))) return "none";
  if (path.startsWith("/api/auth/")) return "optional";
  if (OTLP.includes(path)) return "project_key";
  if (path === "/api" || path.startsWith("/api/")) return "required";
  return "none";
}

declare module "fastify" {
  interface FastifyRequest {
    caller?: Caller;
    /** Whether the request's credential still holds (a long stream asks it now and then). */
    recheckCaller?: () => Promise<boolean>;
  }
}

function refuse(reply: FastifyReply, status: 401 | 403, message: string, hint: string): void {
  void reply
    .code(status)
    .header("content-type", "application/json; charset=utf-8")
    .send({ error: { code: status === 401 ? "unauthorized" : "forbidden", message, hint } });
}

/**
 * Adds authentication to `app`. The routes of hosted projects (agents, workflows, triggers) act
 * only on projects the caller can access (projects/request-project.ts).
 */
export function useAuth(app: FastifyInstance, auth: AuthService, secret: Uint8Array, store: RunStore): void {
  app.addHook("onRequest", (request, reply, done) => {
    const path = routePath(request);
    const need = needOf(path);
    if (need === "none") {
      done();
      return;
    }
    resolveCaller(request, auth.identity, secret).then(
      (caller) => {
        if (!caller) {
          if (need === "optional") return done();
          return refuse(
            reply,
            401,
            "Sign in, or send an API key (Authorization: Bearer or x-api-key)",
            need === "project_key"
              ? "Create an API key bound to a project (keystroke api-key create --project <slug>) and send it as x-api-key"
              : "Run `keystroke auth login`, or sign in on the web page",
          );
        }
        if (need === "project_key") {
          const project = caller.apiKey?.projectId
            ? caller.projectRecords.find((p) => p.projectId === caller.apiKey?.projectId)
            : undefined;
          if (!project || !caller.active) {
            return refuse(
              reply,
              403,
              "OTLP needs an API key bound to a project the key's creator can access",
              "Create one with `keystroke api-key create --name <name> --project <slug>`",
            );
          }
          // The key decides where the runs go, whatever the exporter claims.
          request.headers["x-keystroke-project"] = qualifiedProject(caller.active.organization.slug, project.slug);
        }
        request.caller = caller;
        request.recheckCaller = () =>
          resolveCaller(request, auth.identity, secret).then(
            (again) => again !== undefined,
            () => true,
          );
        callerStorage.run(caller, done);
      },
      (error: unknown) => done(error as Error),
    );
  });

  app.addHook("preHandler", async (request: FastifyRequest) => {
    const caller = request.caller;
    if (!caller) return;
    const path = routePath(request);
    if (path === "/api/ingest" && request.method === "POST") {
      qualifyIngest(request.body, caller);
      // Appending to a run that exists: only to one of the caller's projects. The run may be
      // named by the batch or by its events.
      const batch = request.body as { runId?: unknown; events?: { runId?: unknown }[] } | undefined;
      const named = new Set<string>();
      if (typeof batch?.runId === "string") named.add(batch.runId);
      for (const event of Array.isArray(batch?.events) ? batch.events : []) {
        if (typeof event?.runId === "string") named.add(event.runId);
      }
      for (const runId of named) {
        const existing = await store.getRun(runId);
        if (existing && !caller.projects.has(existing.run.project)) {
          throw new KeystrokeError("not_found", `No run ${runId}`);
        }
      }
    }
  });
}

/**
 * A batch sent to `/api/ingest` by a signed-in caller: a run it creates goes to a project of the
 * caller's organization (a bare project slug is prefixed with it), and only one the caller can
 * access.
 */
function qualifyIngest(body: unknown, caller: Caller): void {
  const batch = body as Partial<IngestBatch> | undefined;
  if (!batch || !Array.isArray(batch.events)) return;
  for (const event of batch.events as { type?: unknown; project?: unknown }[]) {
    if (event?.type !== "run.created" || typeof event.project !== "string") continue;
    const org = caller.active?.organization.slug;
    const project = event.project.includes("/") || !org ? event.project : qualifiedProject(org, event.project);
    if (!caller.projects.has(project)) {
      throw new KeystrokeError("not_found", `No project "${event.project}" you can access in this organization`, {
        hint: "Create it with `keystroke projects create`, or record under a project you are a member of",
        details: { project: event.project },
      });
    }
    event.project = project;
  }
}
