/**
 * `POST /api/organizations/:org/projects/:project/deploys` deploys a project's files (see
 * DeployService); `GET` on the same path lists its deploys, newest first. The caller must access
 * the project — an Owner or Admin of the organization, or a member of the project — and an API
 * key bound to a project deploys that one only; any other project is answered 404.
 */
import { KeystrokeError } from "@keystroke/core";
import type { IdentityStore, OrgRole } from "@keystroke/store";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Caller } from "../auth/caller.js";
import type { DeployService } from "./deploy-service.js";

type ProjectRequest = FastifyRequest<{ Params: { org: string; project: string } }>;

const MANAGERS: readonly OrgRole[] = ["owner", "admin"];
const FILTER = /^(agents|actions|workflows|triggers)\/[A-Za-z0-9_.-]+$/;

/** The caller, when they can access the route's project; else 404 as if it did not exist. */
async function projectCaller(request: ProjectRequest, identity: IdentityStore): Promise<Caller> {
  const caller = request.caller;
  if (!caller) throw new KeystrokeError("unauthorized", "Sign in first");
  const { org, project: slug } = request.params;
  const missing = new KeystrokeError("not_found", `Project "${org}/${slug}" not found`, {
    hint: "`keystroke projects list` shows the projects you can access",
  });
  const membership = caller.organizations.find((m) => m.organization.slug === org);
  if (!membership || (caller.via === "api_key" && caller.apiKey?.orgId !== membership.organization.orgId)) {
    throw missing;
  }
  const project = await identity.getProject(membership.organization.orgId, slug);
  if (!project || (caller.apiKey?.projectId && caller.apiKey.projectId !== project.projectId)) throw missing;
  if (!MANAGERS.includes(membership.role) && !(await identity.projectRoleOf(project.projectId, caller.user.userId))) {
    throw missing;
  }
  return caller;
}

function filterOf(value: unknown, files: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || !FILTER.test(value)) {
    throw new KeystrokeError("invalid_input", "filter: expected a module such as agents/support", {
      details: { problems: [{ path: "filter", message: "expected <agents|actions|workflows|triggers>/<name>" }] },
    });
  }
  // The config and the packages the module imports travel along; no other module's files.
  const outside = Object.keys(typeof files === "object" && files !== null ? files : {}).filter(
    (path) => path.startsWith("src/") && !path.startsWith(`src/${value}.`) && !path.startsWith(`src/${value}/`),
  );
  if (outside.length > 0) {
    throw new KeystrokeError("invalid_input", `files: ${outside[0]} is not part of ${value}`, {
      hint: "A filtered deploy carries that module's files and the config only",
      details: { problems: outside.map((path) => ({ path: `files.${path}`, message: `not under src/${value}` })) },
    });
  }
  return value;
}

export function deployRoutes(app: FastifyInstance, deploys: DeployService, identity: IdentityStore): void {
  app.post("/api/organizations/:org/projects/:project/deploys", async (request: ProjectRequest) => {
    const caller = await projectCaller(request, identity);
    const body = (request.body && typeof request.body === "object" ? request.body : {}) as Record<string, unknown>;
    if (typeof body.hash !== "string" || !/^[0-9a-f]{64}$/.test(body.hash)) {
      throw new KeystrokeError("invalid_input", "hash: expected the SHA-256 (hex) of the files", {
        details: { problems: [{ path: "hash", message: "expected 64 hex digits" }] },
      });
    }
    const filter = filterOf(body.filter, body.files);
    const deploy = await deploys.deploy({
      organization: request.params.org,
      project: request.params.project,
      files: body.files,
      hash: body.hash,
      ...(filter ? { filter } : {}),
      author: { userId: caller.user.userId, email: caller.user.email },
    });
    return { deploy };
  });

  app.get("/api/organizations/:org/projects/:project/deploys", async (request: ProjectRequest) => {
    await projectCaller(request, identity);
    return { deploys: await deploys.list(request.params.org, request.params.project) };
  });
}
