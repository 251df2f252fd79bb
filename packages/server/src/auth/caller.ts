/**
 * Who is calling, resolved once per request from its credential: an API key (`x-api-key`, or
 * `Authorization: Bearer ks_…`), a CLI session (`Authorization: Bearer <token>`) or a web session
 * (the `keystroke_session` cookie). A caller acts in one organization — the key's own, or the one
 * a session names (`x-keystroke-organization`, the `keystroke_org` cookie), else its first — and
 * sees the projects of that organization its role gives it: every one for an Owner or Admin,
 * those it is a member of for a Builder. Runs are recorded under `<org>/<project>`, the names in
 * `projects`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
  API_KEY_TOUCH_MS,
  type ApiKeyRecord,
  type IdentityStore,
  type Membership,
  type Organization,
  type OrgRole,
  type Project,
  type User,
} from "@keystroke/store";
import type { FastifyRequest } from "fastify";
import { API_KEY_PREFIX, hashSecret } from "./secrets.js";

export interface Caller {
  user: User;
  via: "session" | "api_key";
  apiKey?: ApiKeyRecord;
  /** The session token's hash, for sign-out. */
  sessionHash?: string;
  organizations: Membership[];
  active?: { organization: Organization; role: OrgRole };
  /** `<org>/<project>` of every project the caller can access in the active organization. */
  projects: Set<string>;
  /** The active organization's projects the caller can access. */
  projectRecords: Project[];
}

/** The caller of the request being handled, for code that runs inside its async context. */
export const callerStorage = new AsyncLocalStorage<Caller>();

export const SESSION_COOKIE = "keystroke_session";
export const ORG_COOKIE = "keystroke_org";

/** The run `project` value of a project of an organization. */
export const qualifiedProject = (orgSlug: string, projectSlug: string): string => `${orgSlug}/${projectSlug}`;

/** One cookie of the request's Cookie header. */
export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== "string") return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function apiKeyHeader(request: FastifyRequest): string | undefined {
  const value = request.headers["x-api-key"];
  return typeof value === "string" && value ? value.trim() : undefined;
}

/** Resolves the request's caller, or undefined when it carries no valid credential. */
export async function resolveCaller(
  request: FastifyRequest,
  identity: IdentityStore,
  secret: Uint8Array,
  now = Date.now(),
): Promise<Caller | undefined> {
  const bearer = bearerOf(request);
  const key = apiKeyHeader(request) ?? (bearer?.startsWith(API_KEY_PREFIX) ? bearer : undefined);
  if (key) {
    const record = await identity.findApiKey(hashSecret(secret, key));
    if (!record || record.revokedAt !== null) return undefined;
    const user = await identity.getUser(record.userId);
    if (!user) return undefined;
    const organizations = await identity.memberships(user.userId);
    const membership = organizations.find((m) => m.organization.orgId === record.orgId);
    // A key acts as its creator: one who left the organization takes its keys' access along.
    if (!membership) return undefined;
    // The store moves lastUsedAt at most once a minute: within it, the round trip is skipped.
    if (record.lastUsedAt === null || now - record.lastUsedAt >= API_KEY_TOUCH_MS) {
      void identity.touchApiKey(record.keyId, now).catch(() => undefined);
    }
    return withProjects(identity, { user, via: "api_key", apiKey: record, organizations, active: membership });
  }
  const token = bearer ?? cookieOf(request, SESSION_COOKIE);
  if (!token) return undefined;
  const sessionHash = hashSecret(secret, token);
  const session = await identity.findSession(sessionHash);
  if (!session || session.expiresAt <= now) return undefined;
  const user = await identity.getUser(session.userId);
  if (!user) return undefined;
  const organizations = await identity.memberships(user.userId);
  const wanted = headerOf(request, "x-keystroke-organization") ?? cookieOf(request, ORG_COOKIE);
  const active = organizations.find((m) => m.organization.slug === wanted) ?? organizations[0];
  return withProjects(identity, { user, via: "session", sessionHash, organizations, ...(active ? { active } : {}) });
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" && value ? value : undefined;
}

async function withProjects(
  identity: IdentityStore,
  caller: Omit<Caller, "projects" | "projectRecords">,
): Promise<Caller> {
  const active = caller.active;
  if (!active) return { ...caller, projects: new Set(), projectRecords: [] };
  const all = await identity.listProjects(active.organization.orgId);
  let visible = all;
  // A key bound to a project (an exporter's, say) reaches that project only.
  const bound = caller.apiKey?.projectId;
  if (bound) visible = visible.filter((project) => project.projectId === bound);
  if (active.role === "builder") {
    const mine = new Set(await identity.projectsOfMember(active.organization.orgId, caller.user.userId));
    visible = visible.filter((project) => mine.has(project.projectId));
  }
  return {
    ...caller,
    projectRecords: visible,
    projects: new Set(visible.map((project) => qualifiedProject(active.organization.slug, project.slug))),
  };
}

/** Whether the caller in context (if any) may see a run of `project`. No caller: internal use, unrestricted. */
export function mayAccess(project: string): boolean {
  const caller = callerStorage.getStore();
  return caller === undefined || caller.projects.has(project);
}
