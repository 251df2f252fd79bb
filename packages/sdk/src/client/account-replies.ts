/**
 * The answers of the account routes (docs/auth.md: sign-in, the device flow, organizations,
 * projects, API keys), read leniently: a reply is checked for the fields a caller relies on and
 * anything else it carries is kept, so a server that adds fields never breaks an older client.
 */
import { KeystrokeError } from "@keystroke/core";

/** An organization's role: `owner`, `admin` or `builder` (kept as text, as the server sends it). */
export type OrganizationRole = "owner" | "admin" | "builder" | (string & {});

/** One organization of the caller, with their role in it. */
export interface OrganizationMembership {
  slug: string;
  name: string;
  role: OrganizationRole;
}

/** `GET /api/auth/me`: who the credential acts as, and where. */
export interface MeReply {
  user: { email: string; name?: string; userId?: string };
  organizations: OrganizationMembership[];
  /** The slug of the organization requests act in. */
  activeOrganization: string | undefined;
  /** How the caller signed in: a session (`auth login`) or an API key. */
  via: "session" | "api_key" | (string & {});
}

/** `POST /api/auth/device`: the code a person approves in the browser while the CLI polls. */
export interface DeviceLogin {
  deviceCode: string;
  userCode: string;
  verificationUrl: string;
  /** Seconds between polls. */
  interval: number;
  /** Seconds until the code expires. */
  expiresIn: number;
}

/** One poll of `POST /api/auth/device/token`: still waiting, or the session token once approved. */
export type DeviceLoginPoll = { status: "pending" } | { status: "approved"; token: string };

/** A project of an organization, with whatever else the server says about it. */
export interface ProjectInfo {
  slug: string;
  name: string;
  [field: string]: unknown;
}

/** `POST /api/organizations/:org/api-keys`: the key (shown this once) and its record. */
export interface CreatedApiKey {
  key: string;
  apiKey: { name?: string; preview?: string; [field: string]: unknown };
}

type Json = Record<string, unknown>;

/** The body itself is never quoted: account answers carry tokens and keys. */
function unexpected(where: string, problem: string): KeystrokeError {
  return new KeystrokeError("internal", `${where} answered with an unexpected body: ${problem}`, {
    hint: "Check that the URL points at a Keystroke team server of this version",
  });
}

function objectOf(value: unknown, where: string, name: string): Json {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Json;
  throw unexpected(where, `expected ${name} to be an object`);
}

function textOf(value: Json, field: string, where: string): string {
  const text = value[field];
  if (typeof text === "string") return text;
  throw unexpected(where, `expected "${field}" to be text`);
}

function numberOf(value: Json, field: string, where: string): number {
  const n = value[field];
  if (typeof n === "number" && Number.isFinite(n) && n > 0) return n;
  throw unexpected(where, `expected "${field}" to be a positive number`);
}

function membershipOf(value: unknown, where: string): OrganizationMembership {
  const entry = objectOf(value, where, "each organization");
  const nested = entry.organization ? objectOf(entry.organization, where, "organization") : {};
  const slug = typeof entry.slug === "string" ? entry.slug : textOf(nested, "slug", where);
  const name = typeof entry.name === "string" ? entry.name : typeof nested.name === "string" ? nested.name : slug;
  return { slug, name, role: textOf(entry, "role", where) };
}

function activeSlug(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && typeof (value as Json).slug === "string") {
    return (value as Json).slug as string;
  }
  return undefined;
}

/** Reads a `GET /api/auth/me` answer. */
export function readMe(body: unknown, where: string): MeReply {
  const reply = objectOf(body, where, "the answer");
  const user = objectOf(reply.user, where, "user");
  const organizations = reply.organizations;
  if (!Array.isArray(organizations)) throw unexpected(where, 'expected "organizations" to be a list');
  return {
    user: {
      email: textOf(user, "email", where),
      ...(typeof user.name === "string" ? { name: user.name } : {}),
      ...(typeof user.userId === "string" ? { userId: user.userId } : {}),
    },
    organizations: organizations.map((o) => membershipOf(o, where)),
    activeOrganization: activeSlug(reply.activeOrganization),
    via: typeof reply.via === "string" ? reply.via : "session",
  };
}

/** Reads a `POST /api/auth/device` answer. */
export function readDeviceLogin(body: unknown, where: string): DeviceLogin {
  const reply = objectOf(body, where, "the answer");
  return {
    deviceCode: textOf(reply, "deviceCode", where),
    userCode: textOf(reply, "userCode", where),
    verificationUrl: textOf(reply, "verificationUrl", where),
    interval: numberOf(reply, "interval", where),
    expiresIn: numberOf(reply, "expiresIn", where),
  };
}

/** Reads the `{ token }` of an approved device login. */
export function readToken(body: unknown, where: string): string {
  return textOf(objectOf(body, where, "the answer"), "token", where);
}

function projectOf(value: unknown, where: string): ProjectInfo {
  const project = objectOf(value, where, "each project");
  const slug = textOf(project, "slug", where);
  return { ...project, slug, name: typeof project.name === "string" ? project.name : slug };
}

/** Reads a list of projects: `{ projects: [...] }` or the list itself. */
export function readProjects(body: unknown, where: string): ProjectInfo[] {
  const list = Array.isArray(body) ? body : (body as Json | null)?.projects;
  if (!Array.isArray(list)) throw unexpected(where, 'expected "projects" to be a list');
  return list.map((p) => projectOf(p, where));
}

/** Reads a created project: `{ project: {...} }` or the project itself. */
export function readProject(body: unknown, where: string): ProjectInfo {
  const reply = objectOf(body, where, "the answer");
  return projectOf(reply.project ?? reply, where);
}

/** Reads a created API key. */
export function readCreatedApiKey(body: unknown, where: string): CreatedApiKey {
  const reply = objectOf(body, where, "the answer");
  const key = textOf(reply, "key", where);
  return { key, apiKey: reply.apiKey === undefined ? {} : objectOf(reply.apiKey, where, "apiKey") };
}
