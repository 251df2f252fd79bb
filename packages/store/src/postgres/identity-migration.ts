/**
 * PostgreSQL migration 4: who may use the server, as SQLite keeps it (migration 6 there). Emails
 * are stored lowercased, so a plain unique index makes them unique whatever their case. `no`
 * orders memberships (oldest first) and API keys (newest first) made in the same millisecond.
 * Secrets are stored as their hashes: API keys, session tokens, invite tokens, device codes.
 */
import type { PostgresMigration } from "./migrations.js";

export const identityMigration: PostgresMigration = {
  version: 4,
  name: "identity: users, organizations, projects, API keys, sessions, invites and device codes",
  sql: `
    CREATE TABLE users (
      user_id text COLLATE "C" PRIMARY KEY,
      email text COLLATE "C" NOT NULL UNIQUE,
      name text NOT NULL,
      password_hash text NOT NULL,
      created_at bigint NOT NULL
    );

    CREATE TABLE organizations (
      org_id text COLLATE "C" PRIMARY KEY,
      slug text COLLATE "C" NOT NULL UNIQUE,
      name text NOT NULL,
      created_at bigint NOT NULL
    );

    CREATE TABLE org_members (
      org_id text COLLATE "C" NOT NULL,
      user_id text COLLATE "C" NOT NULL,
      role text NOT NULL,
      joined_at bigint NOT NULL,
      no bigint GENERATED ALWAYS AS IDENTITY,
      PRIMARY KEY (org_id, user_id)
    );
    CREATE INDEX org_members_user ON org_members (user_id);

    CREATE TABLE projects (
      project_id text COLLATE "C" PRIMARY KEY,
      org_id text COLLATE "C" NOT NULL,
      slug text COLLATE "C" NOT NULL,
      name text NOT NULL,
      created_at bigint NOT NULL,
      created_by text COLLATE "C" NOT NULL,
      UNIQUE (org_id, slug)
    );

    CREATE TABLE project_members (
      project_id text COLLATE "C" NOT NULL,
      user_id text COLLATE "C" NOT NULL,
      role text NOT NULL,
      PRIMARY KEY (project_id, user_id)
    );
    CREATE INDEX project_members_user ON project_members (user_id);

    CREATE TABLE api_keys (
      key_id text COLLATE "C" PRIMARY KEY,
      key_hash text COLLATE "C" NOT NULL UNIQUE,
      org_id text COLLATE "C" NOT NULL,
      user_id text COLLATE "C" NOT NULL,
      name text NOT NULL,
      preview text NOT NULL,
      project_id text COLLATE "C",
      created_at bigint NOT NULL,
      last_used_at bigint,
      revoked_at bigint,
      no bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX api_keys_org ON api_keys (org_id, created_at DESC, no DESC);

    CREATE TABLE auth_sessions (
      token_hash text COLLATE "C" PRIMARY KEY,
      user_id text COLLATE "C" NOT NULL,
      kind text NOT NULL,
      created_at bigint NOT NULL,
      expires_at bigint NOT NULL
    );
    CREATE INDEX auth_sessions_expiry ON auth_sessions (expires_at);

    CREATE TABLE invites (
      token_hash text COLLATE "C" PRIMARY KEY,
      org_id text COLLATE "C" NOT NULL,
      role text NOT NULL,
      email text COLLATE "C",
      created_by text COLLATE "C" NOT NULL,
      expires_at bigint NOT NULL,
      used_at bigint
    );

    CREATE TABLE device_codes (
      device_code_hash text COLLATE "C" PRIMARY KEY,
      user_code text NOT NULL,
      user_code_key text COLLATE "C" NOT NULL UNIQUE,
      expires_at bigint NOT NULL,
      user_id text COLLATE "C"
    );
    CREATE INDEX device_codes_expiry ON device_codes (expires_at);
  `,
};
