/**
 * The account routes of the HTTP API as the page uses them (docs/auth.md): who is signed in,
 * signing in and out, first start, invites, the CLI's device approval, and an organization's
 * members, invites, projects and API keys. Answers are read into the page's own shapes here,
 * once: times (epoch milliseconds or ISO strings) become ISO strings, so the pages never guess.
 */
import { getJson, sendJson } from "../api/api";
import { isOrgRole, type OrgRole } from "./roles";

export interface AccountUser {
  userId: string;
  email: string;
  name: string;
}

export interface OrgMembership {
  slug: string;
  name: string;
  role: OrgRole;
}

/** `GET /api/auth/me` of a signed-in caller. */
export interface Me {
  user: AccountUser;
  organizations: OrgMembership[];
  /** The slug of the organization requests act in. */
  activeOrganization: string | undefined;
}

export interface Member extends AccountUser {
  role: OrgRole;
  joinedAt: string | null;
}

export interface ApiKey {
  keyId: string;
  name: string;
  /** `ks_abcd…wxyz`. */
  preview: string;
  /** The user the key acts as (its creator). */
  userId: string | undefined;
  /** The bound project's slug (its id when the server did not name it); null when unbound. */
  project: string | null;
  createdAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface Project {
  projectId: string | undefined;
  slug: string;
  name: string;
  createdAt: string | null;
}

export interface Invite {
  /** The absolute link to send. */
  url: string;
  expiresAt: string | null;
}

type Raw = Record<string, unknown>;

const isRaw = (value: unknown): value is Raw => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
const textOrUndefined = (value: unknown) => (text(value) === "" ? undefined : text(value));

/** A time of the API (epoch milliseconds or an ISO string) as an ISO string; null when absent. */
export function isoTime(value: unknown): string | null {
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value).toISOString();
  if (typeof value === "string" && value !== "") return value;
  return null;
}

const role = (value: unknown): OrgRole => {
  const lower = text(value).toLowerCase();
  return isOrgRole(lower) ? lower : "builder";
};

/** The list under `key` of an answer (or the answer itself when it is the list). */
export function listIn(body: unknown, key: string): Raw[] {
  const list = Array.isArray(body) ? body : isRaw(body) ? body[key] : undefined;
  if (!Array.isArray(list)) throw new Error(`The server's answer has no ${key} list.`);
  return list.filter(isRaw);
}

const readUser = (raw: Raw): AccountUser => ({
  userId: text(raw.userId),
  email: text(raw.email),
  name: text(raw.name),
});

/**
 * The signed-in caller from `GET /api/auth/me`; undefined when the answer says the server has
 * no sign-in (`{ auth: false }`, or no user).
 */
export function readMe(body: unknown): Me | undefined {
  if (!isRaw(body) || body.auth === false || !isRaw(body.user)) return undefined;
  const organizations = (Array.isArray(body.organizations) ? body.organizations : [])
    .filter(isRaw)
    .map((org) => ({ slug: text(org.slug), name: text(org.name) || text(org.slug), role: role(org.role) }));
  const active = body.activeOrganization;
  return {
    user: readUser(body.user),
    organizations,
    activeOrganization: isRaw(active) ? textOrUndefined(active.slug) : textOrUndefined(active),
  };
}

/** The active organization's membership, or the first one. */
export function activeMembership(me: Me): OrgMembership | undefined {
  return me.organizations.find((org) => org.slug === me.activeOrganization) ?? me.organizations[0];
}

export function readMember(raw: Raw): Member {
  return { ...readUser(raw), role: role(raw.role), joinedAt: isoTime(raw.joinedAt) };
}

export function readApiKey(raw: Raw): ApiKey {
  return {
    keyId: text(raw.keyId),
    name: text(raw.name),
    preview: text(raw.preview),
    userId: textOrUndefined(raw.userId),
    project: textOrUndefined(raw.project ?? raw.projectId) ?? null,
    createdAt: isoTime(raw.createdAt),
    lastUsedAt: isoTime(raw.lastUsedAt),
    revokedAt: isoTime(raw.revokedAt),
  };
}

export function readProject(raw: Raw): Project {
  return {
    projectId: textOrUndefined(raw.projectId),
    slug: text(raw.slug),
    name: text(raw.name),
    createdAt: isoTime(raw.createdAt),
  };
}

/** An invite's link made absolute against the page's origin. */
export function readInvite(body: unknown, origin: string): Invite {
  const raw = isRaw(body) ? body : {};
  return { url: new URL(text(raw.url), origin).href, expiresAt: isoTime(raw.expiresAt) };
}

const orgPath = (org: string) => `/api/organizations/${encodeURIComponent(org)}`;

/** `GET /api/auth/me`, raw: the page reads 404 and 401 itself (see account-store). */
export const fetchMe = (signal?: AbortSignal) => getJson<unknown>("/api/auth/me", signal);

/**
 * Signs in with a password; the server sets the session cookie.
 *
 * @example
 * await signIn("ada@example.com", "correct horse battery staple");
 */
export const signIn = (email: string, password: string) =>
  sendJson<unknown>("POST", "/api/auth/login", { email, password }, { checksCredential: true });

export const signOut = () => sendJson<unknown>("POST", "/api/auth/logout", {});

/** The first start: the organization (its slug, and name) and its Owner, with the console's setup token. */
export const setUp = (input: {
  token: string;
  organization: string;
  organizationName?: string;
  email: string;
  password: string;
  name?: string;
}) => sendJson<unknown>("POST", "/api/auth/setup", input, { checksCredential: true });

export const acceptInvite = (input: { token: string; email: string; password: string; name?: string }) =>
  sendJson<unknown>("POST", "/api/auth/invites/accept", input, { checksCredential: true });

/** A user code as the CLI prints it: upper case, no spaces. @example normalizeUserCode(" abcd-efgh") // "ABCD-EFGH" */
export const normalizeUserCode = (code: string) => code.replace(/\s+/g, "").toUpperCase();

/** Approves the CLI waiting on `userCode` (e.g. `ABCD-EFGH`) as the signed-in user. */
export const approveDevice = (userCode: string) => sendJson<unknown>("POST", "/api/auth/device/approve", { userCode });

export async function listMembers(org: string, signal?: AbortSignal): Promise<Member[]> {
  return listIn(await getJson<unknown>(`${orgPath(org)}/members`, signal), "members").map(readMember);
}

export const changeRole = (org: string, userId: string, next: OrgRole) =>
  sendJson<unknown>("PATCH", `${orgPath(org)}/members/${encodeURIComponent(userId)}`, { role: next });

export const removeMember = (org: string, userId: string) =>
  sendJson<unknown>("DELETE", `${orgPath(org)}/members/${encodeURIComponent(userId)}`);

/** An invite link for `role` (and, optionally, only for `email`), valid 7 days, once. */
export async function createInvite(org: string, input: { role: OrgRole; email?: string }): Promise<Invite> {
  return readInvite(await sendJson<unknown>("POST", `${orgPath(org)}/invites`, input), window.location.origin);
}

export async function listProjects(org: string, signal?: AbortSignal): Promise<Project[]> {
  return listIn(await getJson<unknown>(`${orgPath(org)}/projects`, signal), "projects").map(readProject);
}

export const createProject = (org: string, input: { slug: string; name: string }) =>
  sendJson<unknown>("POST", `${orgPath(org)}/projects`, input);

export async function listApiKeys(org: string, signal?: AbortSignal): Promise<ApiKey[]> {
  return listIn(await getJson<unknown>(`${orgPath(org)}/api-keys`, signal), "apiKeys").map(readApiKey);
}

/** Creates a key; the answer holds the key itself, which the server never shows again. */
export async function createApiKey(org: string, input: { name: string; project?: string }): Promise<string> {
  const body = await sendJson<unknown>("POST", `${orgPath(org)}/api-keys`, input);
  const key = isRaw(body) ? text(body.key) : "";
  if (key === "") throw new Error("The server's answer holds no key.");
  return key;
}

export const revokeApiKey = (org: string, keyId: string) =>
  sendJson<unknown>("DELETE", `${orgPath(org)}/api-keys/${encodeURIComponent(keyId)}`);
