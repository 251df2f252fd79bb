/**
 * Who may use a team server: users, organizations with their members' roles, projects with
 * theirs, API keys, sign-in sessions, invites and the CLI's device codes. One interface, one
 * conformance suite, an implementation per store (SQLite in the store's file, PostgreSQL in its
 * schema). Secrets never reach it in the clear: API keys, session tokens, invite tokens and device
 * codes are stored as their hashes (the caller hashes; see docs/auth.md), passwords as argon2id
 * hashes made by the server.
 *
 * Why the store lowercases emails: an email is unique whatever its case, and a lookup by the
 * address as typed must find it, so the one form kept is the lowercase one. Slugs are kept as
 * given (the server checks their form). Ids are `usr_`, `org_`, `prj_` and `key_` + a ULID.
 */
import { randomBytes } from "node:crypto";
import { KeystrokeError } from "@keystroke/core";

export type OrgRole = "owner" | "admin" | "builder";
export type ProjectRole = "project_admin" | "builder";

export interface User {
  userId: string;
  email: string;
  name: string;
  createdAt: number;
}

export interface Organization {
  orgId: string;
  slug: string;
  name: string;
  createdAt: number;
}

export interface Membership {
  organization: Organization;
  role: OrgRole;
}

export interface Member {
  user: User;
  role: OrgRole;
  joinedAt: number;
}

export interface Project {
  projectId: string;
  orgId: string;
  slug: string;
  name: string;
  createdAt: number;
  createdBy: string;
}

export interface ApiKeyRecord {
  keyId: string;
  orgId: string;
  /** The user it acts as. */
  userId: string;
  name: string;
  /** `ks_abcd…wxyz`: shown in lists instead of the key. */
  preview: string;
  /** The project the key is bound to (the OTLP receiver needs one), or null. */
  projectId: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface SessionRecord {
  userId: string;
  kind: "web" | "cli";
  createdAt: number;
  expiresAt: number;
}

export interface InviteRecord {
  orgId: string;
  role: OrgRole;
  email: string | null;
  createdBy: string;
  expiresAt: number;
  usedAt: number | null;
}

/** A CLI waiting for its user to approve `userCode` in the browser. */
export type DeviceCodeState =
  | { status: "pending"; userCode: string; expiresAt: number }
  | { status: "approved"; userId: string }
  | { status: "expired" }
  | { status: "missing" };

/**
 * A duplicate email, organization slug, project slug or API key hash is refused with a
 * KeystrokeError `conflict` whose message names it. Ids passed in (users, organizations,
 * projects) are the caller's to check: the store does not look them up.
 */
export interface IdentityStore {
  /** True once any user exists (the first start has happened). */
  hasUsers(): Promise<boolean>;

  /** Stores the email lowercased; `conflict` when a user has it already. */
  createUser(input: { email: string; name: string; passwordHash: string }): Promise<User>;
  /** Case-insensitive on the email. */
  findUserByEmail(email: string): Promise<(User & { passwordHash: string }) | undefined>;
  getUser(userId: string): Promise<User | undefined>;

  /** Creates the organization with `ownerId` as its Owner, in one transaction; `conflict` on a taken slug. */
  createOrganization(input: { slug: string; name: string }, ownerId: string): Promise<Organization>;
  getOrganization(slug: string): Promise<Organization | undefined>;
  /** The user's organizations with their role, oldest membership first. */
  memberships(userId: string): Promise<Membership[]>;
  roleOf(orgId: string, userId: string): Promise<OrgRole | undefined>;
  listMembers(orgId: string): Promise<Member[]>;
  /**
   * Adds the user, or changes their role when they are a member already. With `keepAnOwner`, an
   * Owner made something else must leave another Owner: else nothing changes and it throws
   * `lastOwner()` — checked under a lock, so two Owners demoting each other at once leave one.
   */
  setMember(orgId: string, userId: string, role: OrgRole, options?: KeepAnOwner): Promise<void>;
  /**
   * Removes the member and their memberships of the org's projects; false when they were not a
   * member. Their API keys stay, but stop resolving: `roleOf` no longer finds a role for them.
   * `keepAnOwner` as for setMember.
   */
  removeMember(orgId: string, userId: string, options?: KeepAnOwner): Promise<boolean>;

  /**
   * Starts a sign-in attempt for `keys` (login-limits.ts), across every process on the store: 0
   * when it may go on (then `settleLogin` must follow), else the milliseconds to wait.
   */
  beginLogin(keys: readonly string[], now: number): Promise<number>;
  /** Ends an attempt `beginLogin` let through: a success clears the first key's failures; a failure counts on each key. */
  settleLogin(keys: readonly string[], ok: boolean, now: number): Promise<void>;

  /** Creates the project with `createdBy` its Project Admin, in one transaction; `conflict` on a taken slug. */
  createProject(orgId: string, input: { slug: string; name: string }, createdBy: string): Promise<Project>;
  getProject(orgId: string, slug: string): Promise<Project | undefined>;
  getProjectById(projectId: string): Promise<Project | undefined>;
  /** The org's projects by slug. */
  listProjects(orgId: string): Promise<Project[]>;
  /** Adds a project member, or changes their role (a creator is its Project Admin). */
  setProjectMember(projectId: string, userId: string, role: ProjectRole): Promise<void>;
  projectRoleOf(projectId: string, userId: string): Promise<ProjectRole | undefined>;
  /** The project ids of `orgId` the user is a member of, by project slug. */
  projectsOfMember(orgId: string, userId: string): Promise<string[]>;

  createApiKey(input: {
    keyHash: string;
    orgId: string;
    userId: string;
    name: string;
    preview: string;
    projectId: string | null;
  }): Promise<ApiKeyRecord>;
  /** The key whose hash this is (revoked ones too: the caller answers 401 for them). */
  findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /** The org's keys, revoked ones included, newest first; only `userId`'s when given. */
  listApiKeys(orgId: string, userId?: string): Promise<ApiKeyRecord[]>;
  getApiKey(keyId: string): Promise<ApiKeyRecord | undefined>;
  /** Marks it revoked at `now`; false when it was revoked already or is unknown. */
  revokeApiKey(keyId: string, now: number): Promise<boolean>;
  /** Records a use; cheap enough to call per request: `lastUsedAt` moves at most once per API_KEY_TOUCH_MS. */
  touchApiKey(keyId: string, now: number): Promise<void>;

  /** Stores the session; sessions expired by its `createdAt` are forgotten on the way. */
  createSession(tokenHash: string, session: SessionRecord): Promise<void>;
  /** The session as stored, expired or not: the caller checks `expiresAt`. */
  findSession(tokenHash: string): Promise<SessionRecord | undefined>;
  deleteSession(tokenHash: string): Promise<void>;

  /** Stores the invite (its email lowercased). */
  createInvite(tokenHash: string, invite: Omit<InviteRecord, "usedAt">): Promise<void>;
  /** The invite if it is unused and unexpired at `now`, without taking it. */
  findInvite(tokenHash: string, now: number): Promise<InviteRecord | undefined>;
  /** Marks the invite used, once: the first caller gets it; later ones, and expired ones, undefined. */
  takeInvite(tokenHash: string, now: number): Promise<InviteRecord | undefined>;

  /**
   * Stores a pending code; `conflict` when another code not yet forgotten has the same user code
   * (the caller draws another). Codes expired more than DEVICE_CODE_MEMORY_MS before this one
   * expires are forgotten on the way.
   */
  createDeviceCode(deviceCodeHash: string, userCode: string, expiresAt: number): Promise<void>;
  /**
   * Approves the pending code `userCode` for `userId`; false when none is pending (or it expired).
   * User codes match whatever their case and dashes: `abcdefgh` approves `ABCD-EFGH`.
   */
  approveDeviceCode(userCode: string, userId: string, now: number): Promise<boolean>;
  /**
   * What the CLI polling with this device code gets: an approved code is answered once, then
   * missing; a code past its `expiresAt` is expired, approved or not.
   */
  pollDeviceCode(deviceCodeHash: string, now: number): Promise<DeviceCodeState>;
}

/** How often at most `touchApiKey` moves a key's `lastUsedAt`. */
export const API_KEY_TOUCH_MS = 60_000;

/** How long an expired device code is still answered `expired` (after that, `missing`). */
export const DEVICE_CODE_MEMORY_MS = 24 * 60 * 60 * 1000;

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * A new id of a user, organization, project or API key: the prefix and a ULID (48 bits of
 * milliseconds, 80 random bits, Crockford base 32).
 *
 * @example newIdentityId("usr") // "usr_01JQ3V6W4Z9X8Y7T6R5S4Q3P2N"
 */
export function newIdentityId(prefix: "usr" | "org" | "prj" | "key", time = Date.now()): string {
  let head = "";
  for (let rest = time, i = 0; i < 10; i++, rest = Math.floor(rest / 32)) head = CROCKFORD[rest % 32] + head;
  let tail = "";
  for (const byte of randomBytes(16)) tail += CROCKFORD[byte % 32];
  return `${prefix}_${head}${tail}`;
}

/** The form an email is stored and looked up in. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** The form a device user code is matched in: `abcd-efgh` and `ABCDEFGH` are the same code. */
export function userCodeKey(userCode: string): string {
  return userCode.replaceAll("-", "").toUpperCase();
}

const conflicts = {
  email: (email: string) => `A user with email ${email} exists already`,
  organization: (slug: string) => `The organization slug "${slug}" is taken`,
  project: (slug: string) => `The project slug "${slug}" is taken in this organization`,
  apiKey: (preview: string) => `The API key ${preview} exists already`,
  userCode: (userCode: string) => `The user code ${userCode} is in use`,
};

export interface KeepAnOwner {
  keepAnOwner?: boolean;
}

/** The `conflict` of a change that would leave an organization without an Owner. */
export function lastOwner(): KeystrokeError {
  return new KeystrokeError("conflict", "The organization's last Owner stays an Owner", {
    hint: "Make another member an Owner first",
  });
}

/**
 * The `conflict` a store throws for a taken email, slug, key or user code; `details` name it.
 *
 * @example throw identityConflict("organization", "acme"); // details: { organization: "acme" }
 */
export function identityConflict(
  what: keyof typeof conflicts,
  value: string,
  details: Record<string, string> = {},
): KeystrokeError {
  return new KeystrokeError("conflict", conflicts[what](value), { details: { [what]: value, ...details } });
}
