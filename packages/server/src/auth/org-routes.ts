/**
 * `/api/organizations/…`: an organization's members and their roles, invites, projects and API
 * keys. An organization the caller is not a member of — or, for an API key, any but the key's
 * own — is answered 404, as if it did not exist; an action the caller's role does not allow in
 * their own organization is 403.
 */
import { KeystrokeError } from "@keystroke/core";
import type { ApiKeyRecord, Organization, OrgRole, Project } from "@keystroke/store";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { type AuthService, checkRole, checkSlug, invalid } from "./auth-service.js";
import type { Caller } from "./caller.js";
import { bodyOf } from "./request-body.js";

const MANAGERS: readonly OrgRole[] = ["owner", "admin"];

function notFound(what: string): KeystrokeError {
  return new KeystrokeError("not_found", `${what} not found`);
}

function forbidden(message: string): KeystrokeError {
  return new KeystrokeError("forbidden", message, { hint: "Ask an Owner or Admin of the organization" });
}

interface InOrg {
  caller: Caller;
  org: Organization;
  role: OrgRole;
}

/** The organization of the route, as the caller sees it; 404 when they are not in it. */
async function inOrg(request: FastifyRequest<{ Params: { org: string } }>): Promise<InOrg> {
  const caller = request.caller;
  if (!caller) throw new KeystrokeError("unauthorized", "Sign in first");
  const membership = caller.organizations.find((m) => m.organization.slug === request.params.org);
  const viaKey = caller.via === "api_key" && caller.apiKey?.orgId !== membership?.organization.orgId;
  if (!membership || viaKey) throw notFound(`Organization "${request.params.org}"`);
  return { caller, org: membership.organization, role: membership.role };
}

/** Managing an organization (members, invites, keys, projects) is not for a key bound to one project. */
function manager(here: InOrg): InOrg {
  if (here.caller.apiKey?.projectId) {
    throw forbidden("A key bound to a project cannot manage the organization");
  }
  return here;
}

/** The organization's projects the caller can access: a key bound to a project sees that one only. */
async function visibleProjects(auth: AuthService, { caller, org, role }: InOrg): Promise<Project[]> {
  const bound = caller.apiKey?.projectId;
  const all = (await auth.identity.listProjects(org.orgId)).filter((p) => !bound || p.projectId === bound);
  if (MANAGERS.includes(role)) return all;
  const mine = new Set(await auth.identity.projectsOfMember(org.orgId, caller.user.userId));
  return all.filter((project) => mine.has(project.projectId));
}

function keyView(key: ApiKeyRecord, projects: Map<string, Project>) {
  return { ...key, project: key.projectId ? (projects.get(key.projectId)?.slug ?? null) : null };
}

export function organizationRoutes(app: FastifyInstance, auth: AuthService, publicUrl: () => string): void {
  const identity = auth.identity;
  type OrgRequest = FastifyRequest<{ Params: { org: string } }>;

  app.get("/api/organizations", async (request) => {
    const caller = request.caller;
    if (!caller) throw new KeystrokeError("unauthorized", "Sign in first");
    return {
      organizations: caller.organizations.map((m) => ({
        slug: m.organization.slug,
        name: m.organization.name,
        role: m.role,
      })),
    };
  });

  app.post("/api/organizations", async (request) => {
    const caller = request.caller;
    if (!caller) throw new KeystrokeError("unauthorized", "Sign in first");
    if (caller.via !== "session") throw forbidden("Create organizations while signed in, not with an API key");
    const body = bodyOf(request);
    const slug = checkSlug("slug", body.slug);
    const org = await identity.createOrganization(
      { slug, name: typeof body.name === "string" && body.name.trim() ? body.name.trim() : slug },
      caller.user.userId,
    );
    return { organization: { slug: org.slug, name: org.name, role: "owner" } };
  });

  app.get("/api/organizations/:org/members", async (request: OrgRequest) => {
    const { org } = await inOrg(request);
    const members = await identity.listMembers(org.orgId);
    return {
      members: members.map((m) => ({
        userId: m.user.userId,
        email: m.user.email,
        name: m.user.name,
        role: m.role,
        joinedAt: m.joinedAt,
      })),
    };
  });

  app.patch(
    "/api/organizations/:org/members/:userId",
    async (request: FastifyRequest<{ Params: { org: string; userId: string } }>) => {
      const here = manager(await inOrg(request));
      const role = checkRole(bodyOf(request).role);
      const current = await identity.roleOf(here.org.orgId, request.params.userId);
      if (!current) throw notFound("Member");
      if (!MANAGERS.includes(here.role)) throw forbidden("Only Owners and Admins change roles");
      if ((role === "owner" || current === "owner") && here.role !== "owner")
        throw forbidden("Only an Owner makes or unmakes an Owner");
      await identity.setMember(here.org.orgId, request.params.userId, role, { keepAnOwner: true });
      return { userId: request.params.userId, role };
    },
  );

  app.delete(
    "/api/organizations/:org/members/:userId",
    async (request: FastifyRequest<{ Params: { org: string; userId: string } }>) => {
      const here = manager(await inOrg(request));
      const current = await identity.roleOf(here.org.orgId, request.params.userId);
      if (!current) throw notFound("Member");
      if (!MANAGERS.includes(here.role)) throw forbidden("Only Owners and Admins remove members");
      if (current === "owner" && here.role !== "owner") throw forbidden("Only an Owner removes an Owner");
      await identity.removeMember(here.org.orgId, request.params.userId, { keepAnOwner: true });
      // Their keys go with them, and stay gone if they are invited back.
      for (const key of await identity.listApiKeys(here.org.orgId, request.params.userId)) {
        if (key.revokedAt === null) await identity.revokeApiKey(key.keyId, Date.now());
      }
      return { removed: true };
    },
  );

  app.post("/api/organizations/:org/invites", async (request: OrgRequest) => {
    const here = manager(await inOrg(request));
    const body = bodyOf(request);
    const role = checkRole(body.role ?? "builder");
    if (role === "owner") throw invalid("role", "invite as admin or builder; make an Owner from the members list");
    if (role === "admin" && !MANAGERS.includes(here.role)) throw forbidden("Builders invite Builders");
    const email = typeof body.email === "string" && body.email.trim() ? body.email.trim().toLowerCase() : null;
    const { token, expiresAt } = await auth.createInvite(here.org.orgId, role, email, here.caller.user.userId);
    return {
      url: `${publicUrl().replace(/\/$/, "")}/invite#${token}`,
      role,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  });

  app.get("/api/organizations/:org/projects", async (request: OrgRequest) => {
    const here = await inOrg(request);
    return { projects: await visibleProjects(auth, here) };
  });

  app.post("/api/organizations/:org/projects", async (request: OrgRequest) => {
    const here = manager(await inOrg(request));
    const body = bodyOf(request);
    const slug = checkSlug("slug", body.slug);
    const name = typeof body.name === "string" && body.name.trim() ? body.name.trim() : slug;
    return { project: await identity.createProject(here.org.orgId, { slug, name }, here.caller.user.userId) };
  });

  app.get("/api/organizations/:org/api-keys", async (request: OrgRequest) => {
    const here = await inOrg(request);
    const mine = MANAGERS.includes(here.role) ? undefined : here.caller.user.userId;
    const keys = await identity.listApiKeys(here.org.orgId, mine);
    const projects = new Map((await identity.listProjects(here.org.orgId)).map((p) => [p.projectId, p]));
    return { apiKeys: keys.map((key) => keyView(key, projects)) };
  });

  app.post("/api/organizations/:org/api-keys", async (request: OrgRequest) => {
    const here = manager(await inOrg(request));
    const body = bodyOf(request);
    let projectId: string | null = null;
    if (body.project !== undefined && body.project !== null && body.project !== "") {
      const slug = checkSlug("project", body.project);
      const project = (await visibleProjects(auth, here)).find((p) => p.slug === slug);
      if (!project) throw notFound(`Project "${slug}"`);
      projectId = project.projectId;
    }
    const { key, apiKey } = await auth.createApiKey({
      orgId: here.org.orgId,
      userId: here.caller.user.userId,
      name: body.name,
      projectId,
    });
    const projects = new Map((await identity.listProjects(here.org.orgId)).map((p) => [p.projectId, p]));
    return { key, apiKey: keyView(apiKey, projects) };
  });

  app.delete(
    "/api/organizations/:org/api-keys/:keyId",
    async (request: FastifyRequest<{ Params: { org: string; keyId: string } }>) => {
      const here = manager(await inOrg(request));
      const key = await identity.getApiKey(request.params.keyId);
      const mayRevoke =
        key && key.orgId === here.org.orgId && (MANAGERS.includes(here.role) || key.userId === here.caller.user.userId);
      if (!key || !mayRevoke) throw notFound("API key");
      await identity.revokeApiKey(key.keyId, Date.now());
      return { keyId: key.keyId, revoked: true };
    },
  );
}
