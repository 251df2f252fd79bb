/**
 * Sign-in and the secrets around it, over the identity store: password sign-in (argon2id, rate
 * limited), sessions, the first start (from KEYSTROKE_INIT_* or a one-time setup token printed on
 * the console), invites, the CLI's device flow and API keys. Every secret leaves here once, in the
 * clear, and is kept as its HMAC under the server secret (secrets.ts).
 */

import { KeystrokeError } from "@keystroke/core";
import type { ApiKeyRecord, IdentityStore, OrgRole, User } from "@keystroke/store";
import { hash as argonHash, verify as argonVerify } from "@node-rs/argon2";
import { hashSecret, keyPreview, newApiKey, newToken, newUserCode, sameSecret } from "./secrets.js";

export const WEB_SESSION_MS = 14 * 24 * 3600_000;
export const CLI_SESSION_MS = 90 * 24 * 3600_000;
export const INVITE_MS = 7 * 24 * 3600_000;
export const DEVICE_CODE_MS = 10 * 60_000;
export const DEVICE_POLL_SECONDS = 2;
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MIN_PASSWORD = 10;

export interface AuthInit {
  organization: string;
  email: string;
  password: string;
  /** A `ks_…` key the server adopts for the Owner, e.g. for CI to use from the first start. */
  apiKey?: string;
}

export interface AuthServiceOptions {
  identity: IdentityStore;
  /** The server secret: keys and tokens are kept as HMACs under it. */
  secret: Uint8Array;
}

/** A field of a request that is not what was expected. */
export function invalid(field: string, message: string): KeystrokeError {
  return new KeystrokeError("invalid_input", `${field}: ${message}`, {
    details: { field, problems: [{ path: field, message }] },
  });
}

export function checkSlug(field: string, value: unknown): string {
  if (typeof value !== "string" || !SLUG.test(value)) {
    throw invalid(field, "expected lowercase letters, digits and dashes (at most 63), starting with a letter or digit");
  }
  return value;
}

function checkEmail(value: unknown): string {
  if (typeof value !== "string" || !EMAIL.test(value) || value.length > 320) {
    throw invalid("email", "expected an email address");
  }
  return value.trim().toLowerCase();
}

function checkPassword(value: unknown): string {
  if (typeof value !== "string" || value.length < MIN_PASSWORD || value.length > 1024) {
    throw invalid("password", `expected at least ${MIN_PASSWORD} characters`);
  }
  return value;
}

function text(field: string, value: unknown, fallback: string): string {
  if (value === undefined || value === null || value === "") return fallback;
  if (typeof value !== "string" || value.length > 200) throw invalid(field, "expected a short text");
  return value.trim() || fallback;
}

export const ROLES: readonly OrgRole[] = ["owner", "admin", "builder"];

export function checkRole(value: unknown): OrgRole {
  if (typeof value !== "string" || !ROLES.includes(value as OrgRole)) {
    throw invalid("role", `expected one of ${ROLES.join(", ")}`);
  }
  return value as OrgRole;
}

export class AuthService {
  readonly identity: IdentityStore;
  private readonly secret: Uint8Array;
  /** The one-time setup token, while the server has no user. */
  private setupToken: string | undefined;

  constructor(options: AuthServiceOptions) {
    this.identity = options.identity;
    this.secret = options.secret;
  }

  hash(value: string): string {
    return hashSecret(this.secret, value);
  }

  /**
   * The first start: with `init`, creates the organization, its Owner and the key, once. Without,
   * when the server has no user yet, answers the one-time setup token to print.
   */
  async firstStart(init: AuthInit | undefined): Promise<{ setupToken?: string; created?: boolean }> {
    if (await this.identity.hasUsers()) return {};
    if (!init) {
      this.setupToken ??= newToken();
      return { setupToken: this.setupToken };
    }
    const user = await this.createUser(init.email, init.password, init.email.split("@")[0] ?? "Owner");
    const org = await this.identity.createOrganization(
      { slug: checkSlug("KEYSTROKE_INIT_ORG", init.organization), name: init.organization },
      user.userId,
    );
    if (init.apiKey) {
      if (!/^ks_[A-Za-z0-9_-]{20,}$/.test(init.apiKey)) {
        throw invalid("KEYSTROKE_INIT_API_KEY", "expected ks_ followed by at least 20 letters, digits, - or _");
      }
      await this.identity.createApiKey({
        keyHash: this.hash(init.apiKey),
        orgId: org.orgId,
        userId: user.userId,
        name: "Initial key",
        preview: keyPreview(init.apiKey),
        projectId: null,
      });
    }
    return { created: true };
  }

  /** The setup form: the token printed at start, then the first organization and its Owner. */
  async setup(input: Record<string, unknown>): Promise<{ token: string; user: User }> {
    const given = typeof input.token === "string" ? input.token : "";
    if (!this.setupToken || !sameSecret(given, this.setupToken) || (await this.identity.hasUsers())) {
      throw new KeystrokeError("not_found", "This setup link was used already or is not valid", {
        hint: "Sign in instead, or restart the server to print a new setup link while it has no user",
      });
    }
    const organization = checkSlug("organization", input.organization);
    const user = await this.createUser(input.email, input.password, text("name", input.name, ""));
    this.setupToken = undefined;
    await this.identity.createOrganization(
      { slug: organization, name: text("organizationName", input.organizationName, organization) },
      user.userId,
    );
    return { token: await this.newSession(user.userId, "web"), user };
  }

  /** Password sign-in: a session token, or 401 (the same for an unknown email), or 429 while locked. */
  async login(
    emailInput: unknown,
    password: unknown,
    client: string,
    kind: "web" | "cli",
  ): Promise<{ token: string; user: User }> {
    const email = typeof emailInput === "string" ? emailInput.trim().toLowerCase() : "";
    const user = await this.checkPassword(email, password, client);
    if (!user) throw new KeystrokeError("unauthorized", "Wrong email or password");
    return { token: await this.newSession(user.userId, kind), user };
  }

  /**
   * The user whose password this is, or undefined. Every check — a sign-in, an invite accepted by
   * an existing user — counts against the same limits per email and per client, attempts in
   * flight included.
   */
  private async checkPassword(email: string, password: unknown, client: string): Promise<User | undefined> {
    const keys = [`email:${email}`, `client:${client}`];
    // The limits live in the store, so replicas count one another's attempts.
    const wait = Math.ceil((await this.identity.beginLogin(keys, Date.now())) / 1000);
    if (wait > 0) {
      throw new KeystrokeError("rate_limited", "Too many failed sign-ins; wait before trying again", {
        hint: `Try again in ${Math.ceil(wait / 60)} minute(s)`,
        details: { retryAfterSeconds: wait },
      });
    }
    let ok = false;
    try {
      const found = email ? await this.identity.findUserByEmail(email) : undefined;
      // An unknown email costs a hash too, so its answer takes as long as a wrong password's.
      const hash = found?.passwordHash ?? (await unknownUserHash());
      ok = (await argonVerify(hash, typeof password === "string" ? password : "").catch(() => false)) && !!found;
      if (!ok || !found) return undefined;
      const { passwordHash: _hidden, ...user } = found;
      return user;
    } finally {
      await this.identity.settleLogin(keys, ok, Date.now());
    }
  }

  async logout(sessionHash: string | undefined): Promise<void> {
    if (sessionHash) await this.identity.deleteSession(sessionHash);
  }

  async newSession(userId: string, kind: "web" | "cli"): Promise<string> {
    const token = newToken();
    const now = Date.now();
    await this.identity.createSession(this.hash(token), {
      userId,
      kind,
      createdAt: now,
      expiresAt: now + (kind === "web" ? WEB_SESSION_MS : CLI_SESSION_MS),
    });
    return token;
  }

  async createInvite(orgId: string, role: OrgRole, email: string | null, createdBy: string) {
    const token = newToken();
    const expiresAt = Date.now() + INVITE_MS;
    await this.identity.createInvite(this.hash(token), { orgId, role, email, createdBy, expiresAt });
    return { token, expiresAt };
  }

  /** Joins the invite's organization, creating the user when the email is new. */
  async acceptInvite(input: Record<string, unknown>, client: string): Promise<{ token: string; user: User }> {
    const email = checkEmail(input.email);
    const tokenHash = typeof input.token === "string" ? this.hash(input.token) : undefined;
    const gone = () => new KeystrokeError("not_found", "This invite was used already, expired or is not valid");
    // Everything that can be wrong with the request is checked before the invite is taken, so a
    // mistyped email or password leaves the invite to be accepted again.
    const found = tokenHash === undefined ? undefined : await this.identity.findInvite(tokenHash, Date.now());
    if (!found) throw gone();
    if (found.email && found.email.toLowerCase() !== email) {
      throw invalid("email", "this invite is for another email address");
    }
    const existing = await this.identity.findUserByEmail(email);
    let user: User | undefined;
    if (existing) {
      // An invite is no way around the sign-in limits.
      user = await this.checkPassword(email, input.password, client);
      if (!user) throw new KeystrokeError("unauthorized", "Wrong password for this email");
    }
    const name = text("name", input.name, "");
    if (!user) checkPassword(input.password);
    const invite = tokenHash === undefined ? undefined : await this.identity.takeInvite(tokenHash, Date.now());
    if (!invite) throw gone();
    user ??= await this.createUser(email, input.password, name);
    if (!(await this.identity.roleOf(invite.orgId, user.userId)))
      await this.identity.setMember(invite.orgId, user.userId, invite.role);
    return { token: await this.newSession(user.userId, "web"), user };
  }

  async startDevice(): Promise<{ deviceCode: string; userCode: string; expiresIn: number; interval: number }> {
    const deviceCode = newToken();
    // A user code still pending elsewhere is refused by the store: draw another.
    for (let attempt = 1; ; attempt++) {
      const userCode = newUserCode();
      try {
        await this.identity.createDeviceCode(this.hash(deviceCode), userCode, Date.now() + DEVICE_CODE_MS);
        return { deviceCode, userCode, expiresIn: DEVICE_CODE_MS / 1000, interval: DEVICE_POLL_SECONDS };
      } catch (error) {
        if ((error as KeystrokeError).code !== "conflict" || attempt >= 5) throw error;
      }
    }
  }

  async approveDevice(userCode: unknown, userId: string): Promise<void> {
    if (typeof userCode !== "string" || !(await this.identity.approveDeviceCode(userCode, userId, Date.now()))) {
      throw new KeystrokeError("not_found", "No sign-in is waiting for this code (it may have expired)", {
        hint: "Run `keystroke auth login` again for a new code",
      });
    }
  }

  /** The CLI's poll: a session token once approved. */
  async pollDevice(deviceCode: unknown): Promise<{ token: string } | { pending: true }> {
    if (typeof deviceCode !== "string") throw invalid("deviceCode", "expected the device code");
    const state = await this.identity.pollDeviceCode(this.hash(deviceCode), Date.now());
    if (state.status === "pending") return { pending: true };
    if (state.status === "approved") return { token: await this.newSession(state.userId, "cli") };
    if (state.status === "expired")
      throw new KeystrokeError("gone", "This sign-in code expired", { hint: "Run `keystroke auth login` again" });
    throw new KeystrokeError("not_found", "Unknown device code");
  }

  async createApiKey(input: {
    orgId: string;
    userId: string;
    name: unknown;
    projectId: string | null;
  }): Promise<{ key: string; apiKey: ApiKeyRecord }> {
    const key = newApiKey();
    const apiKey = await this.identity.createApiKey({
      keyHash: this.hash(key),
      orgId: input.orgId,
      userId: input.userId,
      name: text("name", input.name, "API key"),
      preview: keyPreview(key),
      projectId: input.projectId,
    });
    return { key, apiKey };
  }

  private async createUser(emailInput: unknown, passwordInput: unknown, name: string): Promise<User> {
    const email = checkEmail(emailInput);
    const password = checkPassword(passwordInput);
    const passwordHash = await argonHash(password);
    return this.identity.createUser({ email, name: name || email.split("@")[0] || email, passwordHash });
  }
}

/** A real argon2id hash of nothing anyone knows, verified against when the email is unknown. */
let dummyHash: Promise<string> | undefined;
function unknownUserHash(): Promise<string> {
  dummyHash ??= argonHash(newToken());
  return dummyHash;
}
