/**
 * The identity store on SQLite, in the store's own file (migration 6). Every write that must be
 * whole (an organization with its Owner, a project with its Project Admin, a member with their
 * project memberships) is one transaction; a uniqueness the schema enforces is claimed with
 * `ON CONFLICT DO NOTHING`, so a taken email or slug is told from the row count, not the error.
 */
import type Database from "better-sqlite3";
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

interface UserRow {
  user_id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: number;
}

interface OrgRow {
  org_id: string;
  slug: string;
  name: string;
  created_at: number;
}

interface ProjectRow {
  project_id: string;
  org_id: string;
  slug: string;
  name: string;
  created_at: number;
  created_by: string;
}

interface ApiKeyRow {
  key_id: string;
  org_id: string;
  user_id: string;
  name: string;
  preview: string;
  project_id: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

interface SessionRow {
  user_id: string;
  kind: SessionRecord["kind"];
  created_at: number;
  expires_at: number;
}

interface InviteRow {
  org_id: string;
  role: OrgRole;
  email: string | null;
  created_by: string;
  expires_at: number;
  used_at: number | null;
}

const toUser = (row: UserRow): User => ({
  userId: row.user_id,
  email: row.email,
  name: row.name,
  createdAt: row.created_at,
});

const toOrganization = (row: OrgRow): Organization => ({
  orgId: row.org_id,
  slug: row.slug,
  name: row.name,
  createdAt: row.created_at,
});

const toProject = (row: ProjectRow): Project => ({
  projectId: row.project_id,
  orgId: row.org_id,
  slug: row.slug,
  name: row.name,
  createdAt: row.created_at,
  createdBy: row.created_by,
});

const toApiKey = (row: ApiKeyRow): ApiKeyRecord => ({
  keyId: row.key_id,
  orgId: row.org_id,
  userId: row.user_id,
  name: row.name,
  preview: row.preview,
  projectId: row.project_id,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

const toInvite = (row: InviteRow): InviteRecord => ({
  orgId: row.org_id,
  role: row.role,
  email: row.email,
  createdBy: row.created_by,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
});

const API_KEY_COLUMNS =
  "key_id, org_id, user_id, name, preview, project_id, created_at, last_used_at, revoked_at" as const;

function prepare(db: Database.Database) {
  return {
    hasUsers: db.prepare("SELECT EXISTS (SELECT 1 FROM users) AS found"),
    insertUser: db.prepare(
      `INSERT INTO users (user_id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    userByEmail: db.prepare("SELECT * FROM users WHERE email = ?"),
    user: db.prepare("SELECT * FROM users WHERE user_id = ?"),
    insertOrg: db.prepare(
      "INSERT INTO organizations (org_id, slug, name, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
    ),
    org: db.prepare("SELECT * FROM organizations WHERE slug = ?"),
    memberships: db.prepare(
      `SELECT o.*, m.role FROM org_members m JOIN organizations o ON o.org_id = m.org_id
        WHERE m.user_id = ? ORDER BY m.joined_at, m.no`,
    ),
    role: db.prepare("SELECT role FROM org_members WHERE org_id = ? AND user_id = ?"),
    members: db.prepare(
      `SELECT u.*, m.role, m.joined_at FROM org_members m JOIN users u ON u.user_id = m.user_id
        WHERE m.org_id = ? ORDER BY m.joined_at, m.no`,
    ),
    setMember: db.prepare(
      `INSERT INTO org_members (org_id, user_id, role, joined_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role`,
    ),
    removeMember: db.prepare("DELETE FROM org_members WHERE org_id = ? AND user_id = ?"),
    owners: db.prepare("SELECT user_id FROM org_members WHERE org_id = ? AND role = 'owner'"),
    forgetLogins: db.prepare(
      "DELETE FROM login_limits WHERE key IN (SELECT key FROM login_limits WHERE idle_at < ? ORDER BY idle_at LIMIT 100)",
    ),
    loginRow: db.prepare(
      `SELECT failures, window_start AS windowStart, locked_until AS lockedUntil, pending, pending_at AS pendingAt
         FROM login_limits WHERE key = ?`,
    ),
    writeLoginRow: db.prepare(
      `INSERT INTO login_limits (key, failures, window_start, locked_until, pending, pending_at, idle_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start,
         locked_until = excluded.locked_until, pending = excluded.pending, pending_at = excluded.pending_at,
         idle_at = excluded.idle_at`,
    ),
    removeProjectMemberships: db.prepare(
      `DELETE FROM project_members
        WHERE user_id = ? AND project_id IN (SELECT project_id FROM projects WHERE org_id = ?)`,
    ),
    insertProject: db.prepare(
      `INSERT INTO projects (project_id, org_id, slug, name, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    project: db.prepare("SELECT * FROM projects WHERE org_id = ? AND slug = ?"),
    projectById: db.prepare("SELECT * FROM projects WHERE project_id = ?"),
    projects: db.prepare("SELECT * FROM projects WHERE org_id = ? ORDER BY slug"),
    setProjectMember: db.prepare(
      `INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, ?)
       ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role`,
    ),
    projectRole: db.prepare("SELECT role FROM project_members WHERE project_id = ? AND user_id = ?"),
    projectsOfMember: db.prepare(
      `SELECT p.project_id FROM project_members m JOIN projects p ON p.project_id = m.project_id
        WHERE p.org_id = ? AND m.user_id = ? ORDER BY p.slug`,
    ),
    insertApiKey: db.prepare(
      `INSERT INTO api_keys (key_id, key_hash, org_id, user_id, name, preview, project_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    apiKeyByHash: db.prepare(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_hash = ?`),
    apiKey: db.prepare(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE key_id = ?`),
    apiKeys: db.prepare(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE org_id = ? ORDER BY created_at DESC, no DESC`),
    apiKeysOfUser: db.prepare(
      `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE org_id = ? AND user_id = ? ORDER BY created_at DESC, no DESC`,
    ),
    revokeApiKey: db.prepare("UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL"),
    touchApiKey: db.prepare(
      "UPDATE api_keys SET last_used_at = ? WHERE key_id = ? AND (last_used_at IS NULL OR last_used_at <= ?)",
    ),
    forgetSessions: db.prepare("DELETE FROM auth_sessions WHERE expires_at <= ?"),
    insertSession: db.prepare(
      "INSERT INTO auth_sessions (token_hash, user_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    ),
    session: db.prepare("SELECT user_id, kind, created_at, expires_at FROM auth_sessions WHERE token_hash = ?"),
    deleteSession: db.prepare("DELETE FROM auth_sessions WHERE token_hash = ?"),
    insertInvite: db.prepare(
      `INSERT INTO invites (token_hash, org_id, role, email, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    findInvite: db.prepare(
      `SELECT org_id, role, email, created_by, expires_at, used_at FROM invites
        WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`,
    ),
    takeInvite: db.prepare(
      `UPDATE invites SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
       RETURNING org_id, role, email, created_by, expires_at, used_at`,
    ),
    forgetDeviceCodes: db.prepare("DELETE FROM device_codes WHERE expires_at <= ?"),
    insertDeviceCode: db.prepare(
      `INSERT INTO device_codes (device_code_hash, user_code, user_code_key, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    approveDeviceCode: db.prepare(
      "UPDATE device_codes SET user_id = ? WHERE user_code_key = ? AND user_id IS NULL AND expires_at > ?",
    ),
    deviceCode: db.prepare("SELECT user_code, expires_at, user_id FROM device_codes WHERE device_code_hash = ?"),
    answerDeviceCode: db.prepare("DELETE FROM device_codes WHERE device_code_hash = ?"),
  };
}

/** @example const identity = new SqliteIdentityStore(store.db); */
export class SqliteIdentityStore implements IdentityStore {
  private readonly statements: ReturnType<typeof prepare>;
  private readonly createOrganizationTx: (org: Organization, ownerId: string) => boolean;
  private readonly createProjectTx: (project: Project) => boolean;
  private readonly removeMemberTx: (orgId: string, userId: string) => boolean;
  private readonly createSessionTx: (tokenHash: string, session: SessionRecord) => void;
  private readonly createDeviceCodeTx: (deviceCodeHash: string, userCode: string, expiresAt: number) => boolean;
  private readonly pollDeviceCodeTx: (deviceCodeHash: string, now: number) => DeviceCodeState;

  constructor(readonly db: Database.Database) {
    const s = prepare(db);
    this.statements = s;
    this.createOrganizationTx = db.transaction((org: Organization, ownerId: string) => {
      if (s.insertOrg.run(org.orgId, org.slug, org.name, org.createdAt).changes === 0) return false;
      s.setMember.run(org.orgId, ownerId, "owner", org.createdAt);
      return true;
    });
    this.createProjectTx = db.transaction((p: Project) => {
      const inserted = s.insertProject.run(p.projectId, p.orgId, p.slug, p.name, p.createdAt, p.createdBy);
      if (inserted.changes === 0) return false;
      s.setProjectMember.run(p.projectId, p.createdBy, "project_admin");
      return true;
    });
    this.removeMemberTx = db.transaction((orgId: string, userId: string) => {
      s.removeProjectMemberships.run(userId, orgId);
      return s.removeMember.run(orgId, userId).changes === 1;
    });
    this.createSessionTx = db.transaction((tokenHash: string, session: SessionRecord) => {
      s.forgetSessions.run(session.createdAt);
      s.insertSession.run(tokenHash, session.userId, session.kind, session.createdAt, session.expiresAt);
    });
    this.createDeviceCodeTx = db.transaction((deviceCodeHash: string, userCode: string, expiresAt: number) => {
      s.forgetDeviceCodes.run(expiresAt - DEVICE_CODE_MEMORY_MS);
      return s.insertDeviceCode.run(deviceCodeHash, userCode, userCodeKey(userCode), expiresAt).changes === 1;
    });
    this.pollDeviceCodeTx = db.transaction((deviceCodeHash: string, now: number): DeviceCodeState => {
      const row = s.deviceCode.get(deviceCodeHash) as
        | { user_code: string; expires_at: number; user_id: string | null }
        | undefined;
      if (!row) return { status: "missing" };
      if (row.expires_at <= now) return { status: "expired" };
      if (row.user_id === null) return { status: "pending", userCode: row.user_code, expiresAt: row.expires_at };
      s.answerDeviceCode.run(deviceCodeHash);
      return { status: "approved", userId: row.user_id };
    });
  }

  async hasUsers(): Promise<boolean> {
    return (this.statements.hasUsers.get() as { found: number }).found === 1;
  }

  async createUser(input: { email: string; name: string; passwordHash: string }): Promise<User> {
    const user: User = {
      userId: newIdentityId("usr"),
      email: emailKey(input.email),
      name: input.name,
      createdAt: Date.now(),
    };
    const { changes } = this.statements.insertUser.run(
      user.userId,
      user.email,
      user.name,
      input.passwordHash,
      user.createdAt,
    );
    if (changes === 0) throw identityConflict("email", user.email);
    return user;
  }

  async findUserByEmail(email: string): Promise<(User & { passwordHash: string }) | undefined> {
    const row = this.statements.userByEmail.get(emailKey(email)) as UserRow | undefined;
    return row && { ...toUser(row), passwordHash: row.password_hash };
  }

  async getUser(userId: string): Promise<User | undefined> {
    const row = this.statements.user.get(userId) as UserRow | undefined;
    return row && toUser(row);
  }

  async createOrganization(input: { slug: string; name: string }, ownerId: string): Promise<Organization> {
    const org: Organization = {
      orgId: newIdentityId("org"),
      slug: input.slug,
      name: input.name,
      createdAt: Date.now(),
    };
    if (!this.createOrganizationTx(org, ownerId)) throw identityConflict("organization", org.slug);
    return org;
  }

  async getOrganization(slug: string): Promise<Organization | undefined> {
    const row = this.statements.org.get(slug) as OrgRow | undefined;
    return row && toOrganization(row);
  }

  async memberships(userId: string): Promise<Membership[]> {
    const rows = this.statements.memberships.all(userId) as (OrgRow & { role: OrgRole })[];
    return rows.map((row) => ({ organization: toOrganization(row), role: row.role }));
  }

  async roleOf(orgId: string, userId: string): Promise<OrgRole | undefined> {
    return (this.statements.role.get(orgId, userId) as { role: OrgRole } | undefined)?.role;
  }

  async listMembers(orgId: string): Promise<Member[]> {
    const rows = this.statements.members.all(orgId) as (UserRow & { role: OrgRole; joined_at: number })[];
    return rows.map((row) => ({ user: toUser(row), role: row.role, joinedAt: row.joined_at }));
  }

  async setMember(orgId: string, userId: string, role: OrgRole, options: KeepAnOwner = {}): Promise<void> {
    // One writer at a time: the check and the change are one transaction.
    this.db.transaction(() => {
      if (options.keepAnOwner && role !== "owner") this.keepAnOwner(orgId, userId);
      this.statements.setMember.run(orgId, userId, role, Date.now());
    })();
  }

  async removeMember(orgId: string, userId: string, options: KeepAnOwner = {}): Promise<boolean> {
    return this.db.transaction(() => {
      if (options.keepAnOwner) this.keepAnOwner(orgId, userId);
      return this.removeMemberTx(orgId, userId);
    })();
  }

  /** Throws lastOwner() when `userId` is the organization's only Owner. */
  private keepAnOwner(orgId: string, userId: string): void {
    const owners = this.statements.owners.all(orgId) as { user_id: string }[];
    if (owners.some((row) => row.user_id === userId) && owners.every((row) => row.user_id === userId)) {
      throw lastOwner();
    }
  }

  async beginLogin(keys: readonly string[], now: number): Promise<number> {
    return this.db.transaction(() => {
      this.statements.forgetLogins.run(now);
      const rows = keys.map((key) => this.loginRow(key));
      const wait = Math.max(0, ...rows.map((row) => loginWait(row, now)));
      if (wait > 0) return wait;
      for (const [i, key] of keys.entries()) this.writeLoginRow(key, loginBegun(rows[i] as LoginRow, now));
      return 0;
    })();
  }

  async settleLogin(keys: readonly string[], ok: boolean, now: number): Promise<void> {
    this.db.transaction(() => {
      for (const [index, key] of keys.entries()) {
        this.writeLoginRow(key, loginSettled(this.loginRow(key), settleOutcome(index, ok), now));
      }
    })();
  }

  private loginRow(key: string): LoginRow {
    return (this.statements.loginRow.get(key) as LoginRow | undefined) ?? emptyLoginRow();
  }

  private writeLoginRow(key: string, row: LoginRow): void {
    const { failures, windowStart, lockedUntil, pending, pendingAt } = row;
    this.statements.writeLoginRow.run(key, failures, windowStart, lockedUntil, pending, pendingAt, loginIdleAt(row));
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
    if (!this.createProjectTx(project)) throw identityConflict("project", project.slug, { orgId });
    return project;
  }

  async getProject(orgId: string, slug: string): Promise<Project | undefined> {
    const row = this.statements.project.get(orgId, slug) as ProjectRow | undefined;
    return row && toProject(row);
  }

  async getProjectById(projectId: string): Promise<Project | undefined> {
    const row = this.statements.projectById.get(projectId) as ProjectRow | undefined;
    return row && toProject(row);
  }

  async listProjects(orgId: string): Promise<Project[]> {
    return (this.statements.projects.all(orgId) as ProjectRow[]).map(toProject);
  }

  async setProjectMember(projectId: string, userId: string, role: ProjectRole): Promise<void> {
    this.statements.setProjectMember.run(projectId, userId, role);
  }

  async projectRoleOf(projectId: string, userId: string): Promise<ProjectRole | undefined> {
    return (this.statements.projectRole.get(projectId, userId) as { role: ProjectRole } | undefined)?.role;
  }

  async projectsOfMember(orgId: string, userId: string): Promise<string[]> {
    const rows = this.statements.projectsOfMember.all(orgId, userId) as { project_id: string }[];
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
    const { changes } = this.statements.insertApiKey.run(
      key.keyId,
      input.keyHash,
      key.orgId,
      key.userId,
      key.name,
      key.preview,
      key.projectId,
      key.createdAt,
    );
    if (changes === 0) throw identityConflict("apiKey", key.preview);
    return key;
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const row = this.statements.apiKeyByHash.get(keyHash) as ApiKeyRow | undefined;
    return row && toApiKey(row);
  }

  async listApiKeys(orgId: string, userId?: string): Promise<ApiKeyRecord[]> {
    const rows =
      userId === undefined ? this.statements.apiKeys.all(orgId) : this.statements.apiKeysOfUser.all(orgId, userId);
    return (rows as ApiKeyRow[]).map(toApiKey);
  }

  async getApiKey(keyId: string): Promise<ApiKeyRecord | undefined> {
    const row = this.statements.apiKey.get(keyId) as ApiKeyRow | undefined;
    return row && toApiKey(row);
  }

  async revokeApiKey(keyId: string, now: number): Promise<boolean> {
    return this.statements.revokeApiKey.run(now, keyId).changes === 1;
  }

  async touchApiKey(keyId: string, now: number): Promise<void> {
    this.statements.touchApiKey.run(now, keyId, now - API_KEY_TOUCH_MS);
  }

  async createSession(tokenHash: string, session: SessionRecord): Promise<void> {
    this.createSessionTx(tokenHash, session);
  }

  async findSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = this.statements.session.get(tokenHash) as SessionRow | undefined;
    return row && { userId: row.user_id, kind: row.kind, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.statements.deleteSession.run(tokenHash);
  }

  async createInvite(tokenHash: string, invite: Omit<InviteRecord, "usedAt">): Promise<void> {
    const email = invite.email === null ? null : emailKey(invite.email);
    this.statements.insertInvite.run(tokenHash, invite.orgId, invite.role, email, invite.createdBy, invite.expiresAt);
  }

  async findInvite(tokenHash: string, now: number): Promise<InviteRecord | undefined> {
    const row = this.statements.findInvite.get(tokenHash, now) as InviteRow | undefined;
    return row && toInvite(row);
  }

  async takeInvite(tokenHash: string, now: number): Promise<InviteRecord | undefined> {
    const row = this.statements.takeInvite.get(now, tokenHash, now) as InviteRow | undefined;
    return row && toInvite(row);
  }

  async createDeviceCode(deviceCodeHash: string, userCode: string, expiresAt: number): Promise<void> {
    if (!this.createDeviceCodeTx(deviceCodeHash, userCode, expiresAt)) throw identityConflict("userCode", userCode);
  }

  async approveDeviceCode(userCode: string, userId: string, now: number): Promise<boolean> {
    return this.statements.approveDeviceCode.run(userId, userCodeKey(userCode), now).changes === 1;
  }

  async pollDeviceCode(deviceCodeHash: string, now: number): Promise<DeviceCodeState> {
    return this.pollDeviceCodeTx(deviceCodeHash, now);
  }
}
