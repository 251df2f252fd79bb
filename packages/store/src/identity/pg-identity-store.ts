/**
 * The identity store on PostgreSQL (migration 4), shared by every replica of a server, with the
 * semantics of the SQLite one. A uniqueness the schema enforces is claimed with
 * `ON CONFLICT DO NOTHING`: of two replicas creating the same slug at once, the second waits for
 * the first to commit and then inserts nothing, which it reports as a conflict.
 *
 * Why taking an invite or answering a device code is one statement (`UPDATE … RETURNING`,
 * `DELETE … RETURNING`): PostgreSQL re-checks the condition on the row once a concurrent writer
 * commits, so of ten replicas taking the same invite exactly one gets a row back.
 */
import type pg from "pg";
import {
  API_KEY_TOUCH_MS,
  type ApiKeyRecord,
  DEVICE_CODE_MEMORY_MS,
  type DeviceCodeState,
  emailKey,
  type IdentityStore,
  type InviteRecord,
  identityConflict,
  type KeepAnOwner,
  lastOwner,
  type Member,
  type Membership,
  newIdentityId,
  type Organization,
  type OrgRole,
  type Project,
  type ProjectRole,
  type SessionRecord,
  type User,
  userCodeKey,
} from "./identity-store.js";
import {
  emptyLoginRow,
  type LoginRow,
  loginBegun,
  loginIdleAt,
  loginSettled,
  loginWait,
  settleOutcome,
} from "./login-limits.js";

/** bigint columns come back as strings from a pool without the store's type parser. */
type Bigint = number | string;

interface UserRow {
  user_id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Bigint;
}

interface OrgRow {
  org_id: string;
  slug: string;
  name: string;
  created_at: Bigint;
}

interface ProjectRow {
  project_id: string;
  org_id: string;
  slug: string;
  name: string;
  created_at: Bigint;
  created_by: string;
}

interface ApiKeyRow {
  key_id: string;
  org_id: string;
  user_id: string;
  name: string;
  preview: string;
  project_id: string | null;
  created_at: Bigint;
  last_used_at: Bigint | null;
  revoked_at: Bigint | null;
}

interface InviteRow {
  org_id: string;
  role: OrgRole;
  email: string | null;
  created_by: string;
  expires_at: Bigint;
  used_at: Bigint | null;
}

const millis = (value: Bigint | null): number | null => (value === null ? null : Number(value));

const toUser = (row: UserRow): User => ({
  userId: row.user_id,
  email: row.email,
  name: row.name,
  createdAt: Number(row.created_at),
});

const toOrganization = (row: OrgRow): Organization => ({
  orgId: row.org_id,
  slug: row.slug,
  name: row.name,
  createdAt: Number(row.created_at),
});

const toProject = (row: ProjectRow): Project => ({
  projectId: row.project_id,
  orgId: row.org_id,
  slug: row.slug,
  name: row.name,
  createdAt: Number(row.created_at),
  createdBy: row.created_by,
});

const toApiKey = (row: ApiKeyRow): ApiKeyRecord => ({
  keyId: row.key_id,
  orgId: row.org_id,
  userId: row.user_id,
  name: row.name,
  preview: row.preview,
  projectId: row.project_id,
  createdAt: Number(row.created_at),
  lastUsedAt: millis(row.last_used_at),
  revokedAt: millis(row.revoked_at),
});

const toInvite = (row: InviteRow): InviteRecord => ({
  orgId: row.org_id,
  role: row.role,
  email: row.email,
  createdBy: row.created_by,
  expiresAt: Number(row.expires_at),
  usedAt: millis(row.used_at),
});

const API_KEY_COLUMNS = "key_id, org_id, user_id, name, preview, project_id, created_at, last_used_at, revoked_at";

const SET_MEMBER = `
  INSERT INTO org_members (org_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role`;

/**
 * Locks the organization's Owners (in one order, so concurrent changes queue instead of
 * deadlocking) and throws lastOwner() when `userId` is an Owner and the only one. A change
 * waiting on the lock re-reads the rows it locked, so it sees an Owner demoted meanwhile.
 */
async function keepAnOwner(client: pg.PoolClient, orgId: string, userId: string): Promise<void> {
  const { rows } = await client.query<{ user_id: string }>(
    "SELECT user_id FROM org_members WHERE org_id = $1 AND role = 'owner' ORDER BY user_id FOR UPDATE",
    [orgId],
  );
  if (rows.some((row) => row.user_id === userId) && rows.every((row) => row.user_id === userId)) throw lastOwner();
}

const FORGET_LOGINS = `
  DELETE FROM login_limits WHERE key IN (
    SELECT key FROM login_limits WHERE idle_at < $1 ORDER BY idle_at LIMIT 100 FOR UPDATE SKIP LOCKED)`;

/** The rows of `keys`, created when missing and locked in key order, for one attempt's change. */
async function lockLoginRows(client: pg.PoolClient, keys: readonly string[]): Promise<Map<string, LoginRow>> {
  await client.query("INSERT INTO login_limits (key) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", [[...keys]]);
  const { rows } = await client.query<Record<string, string | number>>(
    `SELECT key, failures, window_start, locked_until, pending, pending_at FROM login_limits
      WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE`,
    [[...keys]],
  );
  return new Map(
    rows.map((row) => [
      String(row.key),
      {
        failures: Number(row.failures),
        windowStart: Number(row.window_start),
        lockedUntil: Number(row.locked_until),
        pending: Number(row.pending),
        pendingAt: Number(row.pending_at),
      },
    ]),
  );
}

async function writeLoginRow(client: pg.PoolClient, key: string, row: LoginRow): Promise<void> {
  await client.query(
    `UPDATE login_limits SET failures = $2, window_start = $3, locked_until = $4, pending = $5, pending_at = $6,
            idle_at = $7 WHERE key = $1`,
    [key, row.failures, row.windowStart, row.lockedUntil, row.pending, row.pendingAt, loginIdleAt(row)],
  );
}

const SET_PROJECT_MEMBER = `
  INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)
  ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role`;

const CREATE_SESSION = `
  WITH forgotten AS (
    DELETE FROM auth_sessions WHERE token_hash IN (
      SELECT token_hash FROM auth_sessions WHERE expires_at <= $4 FOR UPDATE SKIP LOCKED)
  )
  INSERT INTO auth_sessions (token_hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`;

const FORGET_DEVICE_CODES = `
  DELETE FROM device_codes WHERE device_code_hash IN (
    SELECT device_code_hash FROM device_codes WHERE expires_at <= $1 FOR UPDATE SKIP LOCKED)`;

/**
 * @example
 * const store = await openPostgresStore({ connectionString, schema: "keystroke" });
 * const identity = new PgIdentityStore(store.pool);
 */
export class PgIdentityStore implements IdentityStore {
  /** A pool whose connections use the store's schema (`PostgresRunStore.pool`). */
  constructor(readonly pool: pg.Pool) {}

  async hasUsers(): Promise<boolean> {
    const { rows } = await this.pool.query<{ found: boolean }>("SELECT EXISTS (SELECT 1 FROM users) AS found");
    return rows[0]?.found === true;
  }

  async createUser(input: { email: string; name: string; passwordHash: string }): Promise<User> {
    const user: User = {
      userId: newIdentityId("usr"),
      email: emailKey(input.email),
      name: input.name,
      createdAt: Date.now(),
    };
    const { rowCount } = await this.pool.query(
      `INSERT INTO users (user_id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [user.userId, user.email, user.name, input.passwordHash, user.createdAt],
    );
    if (rowCount === 0) throw identityConflict("email", user.email);
    return user;
  }

  async findUserByEmail(email: string): Promise<(User & { passwordHash: string }) | undefined> {
    const { rows } = await this.pool.query<UserRow>("SELECT * FROM users WHERE email = $1", [emailKey(email)]);
    const row = rows[0];
    return row && { ...toUser(row), passwordHash: row.password_hash };
  }

  async getUser(userId: string): Promise<User | undefined> {
    const { rows } = await this.pool.query<UserRow>("SELECT * FROM users WHERE user_id = $1", [userId]);
    return rows[0] && toUser(rows[0]);
  }

  async createOrganization(input: { slug: string; name: string }, ownerId: string): Promise<Organization> {
    const org: Organization = {
      orgId: newIdentityId("org"),
      slug: input.slug,
      name: input.name,
      createdAt: Date.now(),
    };
    const created = await this.transaction(async (client) => {
      const { rowCount } = await client.query(
        "INSERT INTO organizations (org_id, slug, name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        [org.orgId, org.slug, org.name, org.createdAt],
      );
      if (rowCount === 0) return false;
      await client.query(SET_MEMBER, [org.orgId, ownerId, "owner", org.createdAt]);
      return true;
    });
    if (!created) throw identityConflict("organization", org.slug);
    return org;
  }

  async getOrganization(slug: string): Promise<Organization | undefined> {
    const { rows } = await this.pool.query<OrgRow>("SELECT * FROM organizations WHERE slug = $1", [slug]);
    return rows[0] && toOrganization(rows[0]);
  }

  async memberships(userId: string): Promise<Membership[]> {
    const { rows } = await this.pool.query<OrgRow & { role: OrgRole }>(
      `SELECT o.*, m.role FROM org_members m JOIN organizations o ON o.org_id = m.org_id
        WHERE m.user_id = $1 ORDER BY m.joined_at, m.no`,
      [userId],
    );
    return rows.map((row) => ({ organization: toOrganization(row), role: row.role }));
  }

  async roleOf(orgId: string, userId: string): Promise<OrgRole | undefined> {
    const { rows } = await this.pool.query<{ role: OrgRole }>(
      "SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2",
      [orgId, userId],
    );
    return rows[0]?.role;
  }

  async listMembers(orgId: string): Promise<Member[]> {
    const { rows } = await this.pool.query<UserRow & { role: OrgRole; joined_at: Bigint }>(
      `SELECT u.*, m.role, m.joined_at FROM org_members m JOIN users u ON u.user_id = m.user_id
        WHERE m.org_id = $1 ORDER BY m.joined_at, m.no`,
      [orgId],
    );
    return rows.map((row) => ({ user: toUser(row), role: row.role, joinedAt: Number(row.joined_at) }));
  }

  async setMember(orgId: string, userId: string, role: OrgRole, options: KeepAnOwner = {}): Promise<void> {
    if (!options.keepAnOwner || role === "owner") {
      await this.pool.query(SET_MEMBER, [orgId, userId, role, Date.now()]);
      return;
    }
    await this.transaction(async (client) => {
      await keepAnOwner(client, orgId, userId);
      await client.query(SET_MEMBER, [orgId, userId, role, Date.now()]);
    });
  }

  async removeMember(orgId: string, userId: string, options: KeepAnOwner = {}): Promise<boolean> {
    return this.transaction(async (client) => {
      if (options.keepAnOwner) await keepAnOwner(client, orgId, userId);
      await client.query(
        `DELETE FROM project_members
          WHERE user_id = $1 AND project_id IN (SELECT project_id FROM projects WHERE org_id = $2)`,
        [userId, orgId],
      );
      const { rowCount } = await client.query("DELETE FROM org_members WHERE org_id = $1 AND user_id = $2", [
        orgId,
        userId,
      ]);
      return rowCount === 1;
    });
  }

  async beginLogin(keys: readonly string[], now: number): Promise<number> {
    await this.pool.query(FORGET_LOGINS, [now]);
    return this.transaction(async (client) => {
      const rows = await lockLoginRows(client, keys);
      const wait = Math.max(0, ...keys.map((key) => loginWait(rows.get(key) ?? emptyLoginRow(), now)));
      if (wait > 0) return wait;
      for (const key of keys) await writeLoginRow(client, key, loginBegun(rows.get(key) ?? emptyLoginRow(), now));
      return 0;
    });
  }

  async settleLogin(keys: readonly string[], ok: boolean, now: number): Promise<void> {
    await this.transaction(async (client) => {
      const rows = await lockLoginRows(client, keys);
      for (const [index, key] of keys.entries()) {
        const row = rows.get(key) ?? emptyLoginRow();
        await writeLoginRow(client, key, loginSettled(row, settleOutcome(index, ok), now));
      }
    });
  }

  async createProject(orgId: string, input: { slug: string; name: string }, createdBy: string): Promise<Project> {
    const project: Project = {
      projectId: newIdentityId("prj"),
      orgId,
      slug: input.slug,
      name: input.name,
      createdAt: Date.now(),
      createdBy,
    };
    const created = await this.transaction(async (client) => {
      const { rowCount } = await client.query(
        `INSERT INTO projects (project_id, org_id, slug, name, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING`,
        [project.projectId, orgId, project.slug, project.name, project.createdAt, createdBy],
      );
      if (rowCount === 0) return false;
      await client.query(SET_PROJECT_MEMBER, [project.projectId, createdBy, "project_admin"]);
      return true;
    });
    if (!created) throw identityConflict("project", project.slug, { orgId });
    return project;
  }

  async getProject(orgId: string, slug: string): Promise<Project | undefined> {
    const { rows } = await this.pool.query<ProjectRow>("SELECT * FROM projects WHERE org_id = $1 AND slug = $2", [
      orgId,
      slug,
    ]);
    return rows[0] && toProject(rows[0]);
  }

  async getProjectById(projectId: string): Promise<Project | undefined> {
    const { rows } = await this.pool.query<ProjectRow>("SELECT * FROM projects WHERE project_id = $1", [projectId]);
    return rows[0] && toProject(rows[0]);
  }

  async listProjects(orgId: string): Promise<Project[]> {
    const { rows } = await this.pool.query<ProjectRow>("SELECT * FROM projects WHERE org_id = $1 ORDER BY slug", [
      orgId,
    ]);
    return rows.map(toProject);
  }

  async setProjectMember(projectId: string, userId: string, role: ProjectRole): Promise<void> {
    await this.pool.query(SET_PROJECT_MEMBER, [projectId, userId, role]);
  }

  async projectRoleOf(projectId: string, userId: string): Promise<ProjectRole | undefined> {
    const { rows } = await this.pool.query<{ role: ProjectRole }>(
      "SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2",
      [projectId, userId],
    );
    return rows[0]?.role;
  }

  async projectsOfMember(orgId: string, userId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ project_id: string }>(
      `SELECT p.project_id FROM project_members m JOIN projects p ON p.project_id = m.project_id
        WHERE p.org_id = $1 AND m.user_id = $2 ORDER BY p.slug`,
      [orgId, userId],
    );
    return rows.map((row) => row.project_id);
  }

  async createApiKey(input: {
    keyHash: string;
    orgId: string;
    userId: string;
    name: string;
    preview: string;
    projectId: string | null;
  }): Promise<ApiKeyRecord> {
    const key: ApiKeyRecord = {
      keyId: newIdentityId("key"),
      orgId: input.orgId,
      userId: input.userId,
      name: input.name,
      preview: input.preview,
      projectId: input.projectId,
      createdAt: Date.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    const { rowCount } = await this.pool.query(
      `INSERT INTO api_keys (key_id, key_hash, org_id, user_id, name, preview, project_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [key.keyId, input.keyHash, key.orgId, key.userId, key.name, key.preview, key.projectId, key.createdAt],
    );
    if (rowCount === 0) throw identityConflict("apiKey", key.preview);
    return key;
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.pool.query<ApiKeyRow>(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_hash = $1`, [
      keyHash,
    ]);
    return rows[0] && toApiKey(rows[0]);
  }

  async listApiKeys(orgId: string, userId?: string): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query<ApiKeyRow>(
      `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE org_id = $1 AND ($2::text IS NULL OR user_id = $2)
        ORDER BY created_at DESC, no DESC`,
      [orgId, userId ?? null],
    );
    return rows.map(toApiKey);
  }

  async getApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.pool.query<ApiKeyRow>(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_id = $1`, [
      keyId,
    ]);
    return rows[0] && toApiKey(rows[0]);
  }

  async revokeApiKey(keyId: string, now: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      "UPDATE api_keys SET revoked_at = $2 WHERE key_id = $1 AND revoked_at IS NULL",
      [keyId, now],
    );
    return rowCount === 1;
  }

  async touchApiKey(keyId: string, now: number): Promise<void> {
    await this.pool.query(
      "UPDATE api_keys SET last_used_at = $2 WHERE key_id = $1 AND (last_used_at IS NULL OR last_used_at <= $3)",
      [keyId, now, now - API_KEY_TOUCH_MS],
    );
  }

  async createSession(tokenHash: string, session: SessionRecord): Promise<void> {
    await this.pool.query(CREATE_SESSION, [
      tokenHash,
      session.userId,
      session.kind,
      session.createdAt,
      session.expiresAt,
    ]);
  }

  async findSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const { rows } = await this.pool.query<{
      user_id: string;
      kind: SessionRecord["kind"];
      created_at: Bigint;
      expires_at: Bigint;
    }>("SELECT user_id, kind, created_at, expires_at FROM auth_sessions WHERE token_hash = $1", [tokenHash]);
    const row = rows[0];
    return (
      row && {
        userId: row.user_id,
        kind: row.kind,
        createdAt: Number(row.created_at),
        expiresAt: Number(row.expires_at),
      }
    );
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.pool.query("DELETE FROM auth_sessions WHERE token_hash = $1", [tokenHash]);
  }

  async createInvite(tokenHash: string, invite: Omit<InviteRecord, "usedAt">): Promise<void> {
    await this.pool.query(
      `INSERT INTO invites (token_hash, org_id, role, email, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        tokenHash,
        invite.orgId,
        invite.role,
        invite.email === null ? null : emailKey(invite.email),
        invite.createdBy,
        invite.expiresAt,
      ],
    );
  }

  async findInvite(tokenHash: string, now: number): Promise<InviteRecord | undefined> {
    const { rows } = await this.pool.query<InviteRow>(
      `SELECT org_id, role, email, created_by, expires_at, used_at FROM invites
        WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
      [tokenHash, now],
    );
    return rows[0] && toInvite(rows[0]);
  }

  async takeInvite(tokenHash: string, now: number): Promise<InviteRecord | undefined> {
    const { rows } = await this.pool.query<InviteRow>(
      `UPDATE invites SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
       RETURNING org_id, role, email, created_by, expires_at, used_at`,
      [tokenHash, now],
    );
    return rows[0] && toInvite(rows[0]);
  }

  async createDeviceCode(deviceCodeHash: string, userCode: string, expiresAt: number): Promise<void> {
    await this.pool.query(FORGET_DEVICE_CODES, [expiresAt - DEVICE_CODE_MEMORY_MS]);
    const { rowCount } = await this.pool.query(
      `INSERT INTO device_codes (device_code_hash, user_code, user_code_key, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [deviceCodeHash, userCode, userCodeKey(userCode), expiresAt],
    );
    if (rowCount === 0) throw identityConflict("userCode", userCode);
  }

  async approveDeviceCode(userCode: string, userId: string, now: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      "UPDATE device_codes SET user_id = $2 WHERE user_code_key = $1 AND user_id IS NULL AND expires_at > $3",
      [userCodeKey(userCode), userId, now],
    );
    return rowCount === 1;
  }

  async pollDeviceCode(deviceCodeHash: string, now: number): Promise<DeviceCodeState> {
    const answered = await this.pool.query<{ user_id: string }>(
      `DELETE FROM device_codes WHERE device_code_hash = $1 AND user_id IS NOT NULL AND expires_at > $2
       RETURNING user_id`,
      [deviceCodeHash, now],
    );
    const approved = answered.rows[0];
    if (approved) return { status: "approved", userId: approved.user_id };
    const { rows } = await this.pool.query<{ user_code: string; expires_at: Bigint }>(
      "SELECT user_code, expires_at FROM device_codes WHERE device_code_hash = $1",
      [deviceCodeHash],
    );
    const row = rows[0];
    if (!row) return { status: "missing" };
    const expiresAt = Number(row.expires_at);
    // Approved between the two statements: the next poll answers it.
    return expiresAt <= now ? { status: "expired" } : { status: "pending", userCode: row.user_code, expiresAt };
  }

  /** Runs `work` in a transaction on one connection of the pool. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A connection whose rollback failed is in an unknown state: it is closed, not pooled again.
    let broken = false;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
