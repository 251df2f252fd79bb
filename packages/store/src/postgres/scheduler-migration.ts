/**
 * PostgreSQL migration 2: what workflows keep between steps. `timers` (a sleep's wake, a hook's
 * timeout) indexed by due time and leased by the process that claims them; `hooks` keyed by the
 * SHA-256 of their token, as on SQLite. `run_work` is the lease table of run executions: a
 * row is a run some process must execute (again); the process that claims it holds it until
 * `lease_until` and renews that while it executes, so a process killed mid-step loses the run
 * to the next claimant, which resumes it by replay. `again` asks the holder to execute once
 * more after it finishes (a hook arrived, a sleep ended meanwhile); `cancel` asks it to cancel
 * the run (a cancel that reached another replica). `server_settings` keeps
 * what every replica must share, such as the secret hook tokens are signed with.
 */
import type { PostgresMigration } from "./migrations.js";

export const schedulerMigration: PostgresMigration = {
  version: 2,
  name: "timers, hooks, run execution leases and server settings",
  sql: `
    CREATE TABLE timers (
      run_id text COLLATE "C" NOT NULL,
      key text COLLATE "C" NOT NULL,
      kind text NOT NULL,
      due_at bigint NOT NULL,
      lease_until bigint NOT NULL DEFAULT 0,
      attempts integer NOT NULL DEFAULT 0,
      PRIMARY KEY (run_id, key)
    );
    CREATE INDEX timers_due ON timers (due_at);

    CREATE TABLE hooks (
      token_hash text COLLATE "C" PRIMARY KEY,
      run_id text COLLATE "C" NOT NULL,
      step_id text NOT NULL,
      expires_at bigint,
      schema json,
      created_at bigint NOT NULL,
      used_at bigint,
      outcome text,
      payload json
    );
    CREATE INDEX hooks_run ON hooks (run_id, step_id);

    CREATE TABLE run_work (
      run_id text COLLATE "C" PRIMARY KEY,
      ready_at bigint NOT NULL,
      owner text,
      lease_until bigint NOT NULL DEFAULT 0,
      again boolean NOT NULL DEFAULT false,
      cancel boolean NOT NULL DEFAULT false,
      claims integer NOT NULL DEFAULT 0
    );
    CREATE INDEX run_work_ready ON run_work (ready_at);

    CREATE TABLE server_settings (
      key text PRIMARY KEY,
      value text NOT NULL
    );
  `,
};
