/**
 * Versioned schema of the PostgreSQL store. Opening a store migrates it under a transaction-level
 * advisory lock keyed by the schema, so replicas that start together wait for one another: the
 * first applies every pending migration, the others then find them recorded in
 * `schema_migrations` and apply nothing. DDL is transactional in PostgreSQL, so a migration that
 * fails leaves no half-built schema. Never edit a migration that has shipped — add the next one.
 *
 * Why child tables carry `triggered_at`: events, messages, spans, logs and steps are partitioned
 * by RANGE on the trigger time of their run (monthly partitions, see partitions.ts). A run's rows
 * therefore sit in one partition: reads name `triggered_at` and touch that partition only, and
 * retention drops whole months of runs at once. Every key includes `triggered_at` (PostgreSQL
 * requires the partition key in unique indexes); since it is a function of `run_no`, a key such as
 * (run_no, seq, triggered_at) is as unique as (run_no, seq).
 *
 * Why `messages.run_id`: a search without other filters picks its page of runs from `messages`
 * alone, in History order (search-runs.ts), and reads `runs` for that page only.
 *
 * Why `COLLATE "C"` on ids: keyset pages compare run ids and span ids, and clients sort them by
 * code unit; byte order makes both agree whatever the database's locale.
 *
 * Why `messages.at_ms` and `ord`: a run's conversation reads in the time its messages were said,
 * not the order they arrived in (an exporter retrying an earlier turn after a later one was
 * delivered); see message-order.ts.
 *
 * Why `json`, not `jsonb`: bodies are written once and read whole; `json` keeps the text as sent
 * (jsonb rejects the \u0000 escape a recorded message may hold) and costs no conversion.
 */
import type pg from "pg";
import { deployMigration } from "./deploy-migration.js";
import { facetsMigration } from "./facets-migration.js";
import { identityMigration } from "./identity-migration.js";
import { schedulerMigration } from "./scheduler-migration.js";
import { triggerStateMigration } from "./trigger-state-migration.js";

export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

const partitionedChildren = `
  CREATE TABLE events (
    triggered_at bigint NOT NULL,
    run_no bigint NOT NULL,
    seq integer NOT NULL,
    event_id text COLLATE "C" NOT NULL,
    body json NOT NULL,
    PRIMARY KEY (run_no, seq, triggered_at)
  ) PARTITION BY RANGE (triggered_at);
  CREATE UNIQUE INDEX events_event_id ON events (run_no, event_id, triggered_at);

  CREATE TABLE messages (
    triggered_at bigint NOT NULL,
    run_no bigint NOT NULL,
    run_id text COLLATE "C" NOT NULL,
    idx integer NOT NULL,
    message_id text COLLATE "C" NOT NULL,
    seq integer NOT NULL,
    parts_added json,
    tsv tsvector,
    PRIMARY KEY (run_no, idx, triggered_at)
  ) PARTITION BY RANGE (triggered_at);
  CREATE UNIQUE INDEX messages_id ON messages (run_no, message_id, triggered_at);
  CREATE INDEX messages_tsv ON messages USING gin (tsv);

  CREATE TABLE spans (
    triggered_at bigint NOT NULL,
    run_no bigint NOT NULL,
    span_id text COLLATE "C" NOT NULL,
    start_ms bigint NOT NULL,
    seq integer NOT NULL,
    PRIMARY KEY (run_no, span_id, triggered_at)
  ) PARTITION BY RANGE (triggered_at);
  CREATE INDEX spans_start ON spans (run_no, start_ms, span_id);

  CREATE TABLE logs (
    triggered_at bigint NOT NULL,
    run_no bigint NOT NULL,
    idx integer NOT NULL,
    seq integer NOT NULL,
    PRIMARY KEY (run_no, idx, triggered_at)
  ) PARTITION BY RANGE (triggered_at);

  CREATE TABLE steps (
    triggered_at bigint NOT NULL,
    run_no bigint NOT NULL,
    step_id text COLLATE "C" NOT NULL,
    ord integer NOT NULL,
    body json NOT NULL,
    PRIMARY KEY (run_no, step_id, triggered_at)
  ) PARTITION BY RANGE (triggered_at);
  CREATE UNIQUE INDEX steps_order ON steps (run_no, ord, triggered_at);
`;

export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    name: "runs, partitioned events and projections",
    sql: `
      CREATE TABLE runs (
        run_no bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id text COLLATE "C" NOT NULL UNIQUE,
        kind text COLLATE "C" NOT NULL,
        slug text COLLATE "C" NOT NULL,
        status text COLLATE "C" NOT NULL,
        project text COLLATE "C" NOT NULL,
        session_id text COLLATE "C",
        source text COLLATE "C" NOT NULL,
        trigger text COLLATE "C" NOT NULL,
        actor_id text COLLATE "C" NOT NULL,
        parent_run_id text COLLATE "C",
        triggered_at bigint NOT NULL,
        total_cost double precision NOT NULL DEFAULT 0,
        message_count integer NOT NULL DEFAULT 0,
        step_count integer NOT NULL DEFAULT 0,
        last_seq integer NOT NULL,
        summary json NOT NULL,
        payload json NOT NULL
      );
      CREATE INDEX runs_time ON runs (triggered_at DESC, run_id DESC);
      CREATE INDEX runs_status ON runs (status, triggered_at DESC, run_id DESC);
      CREATE INDEX runs_kind ON runs (kind, triggered_at DESC, run_id DESC);
      CREATE INDEX runs_project ON runs (project, triggered_at DESC, run_id DESC);
      CREATE INDEX runs_source ON runs (source, triggered_at DESC, run_id DESC);
      CREATE INDEX runs_trigger ON runs (trigger, triggered_at DESC, run_id DESC);
      CREATE INDEX runs_actor ON runs (actor_id, triggered_at DESC, run_id DESC);
      CREATE INDEX runs_slug ON runs (slug, triggered_at DESC, run_id DESC);
      CREATE INDEX runs_session ON runs (session_id, slug);
      CREATE INDEX runs_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
      CREATE INDEX runs_cost ON runs (total_cost, triggered_at, run_id);
      CREATE INDEX runs_messages ON runs (message_count, triggered_at, run_id);
      CREATE INDEX runs_steps ON runs (step_count, triggered_at, run_id);

      CREATE TABLE run_models (
        model text COLLATE "C" NOT NULL,
        triggered_at bigint NOT NULL,
        run_id text COLLATE "C" NOT NULL,
        run_no bigint NOT NULL,
        PRIMARY KEY (model, triggered_at, run_id)
      );
      CREATE TABLE run_services (
        service text COLLATE "C" NOT NULL,
        triggered_at bigint NOT NULL,
        run_id text COLLATE "C" NOT NULL,
        run_no bigint NOT NULL,
        PRIMARY KEY (service, triggered_at, run_id)
      );
      ${partitionedChildren}
    `,
  },
  schedulerMigration,
  triggerStateMigration,
  identityMigration,
  deployMigration,
  {
    version: 6,
    name: "triggers: the lease on a poll's tick in flight",
    sql: "ALTER TABLE trigger_state ADD COLUMN lease_until bigint;",
  },
  facetsMigration,
  {
    version: 8,
    name: "identity: sign-in attempts per email and client",
    sql: `
      CREATE TABLE login_limits (
        key text COLLATE "C" PRIMARY KEY,
        failures integer NOT NULL DEFAULT 0,
        window_start bigint NOT NULL DEFAULT 0,
        locked_until bigint NOT NULL DEFAULT 0,
        pending integer NOT NULL DEFAULT 0,
        pending_at bigint NOT NULL DEFAULT 0,
        idle_at bigint NOT NULL DEFAULT 0
      );
      CREATE INDEX login_limits_idle ON login_limits (idle_at);
    `,
  },
  {
    version: 9,
    name: "messages: a run's conversation in time order",
    sql: `
      ALTER TABLE messages ADD COLUMN at_ms bigint, ADD COLUMN ord bigint;
      UPDATE messages m SET at_ms = CASE WHEN (e.body ->> 'time') ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'
                                         THEN floor(extract(epoch FROM (e.body ->> 'time')::timestamptz) * 1000)::bigint
                                         ELSE 0 END,
                            ord = m.seq::bigint * 1024
        FROM events e
       WHERE e.run_no = m.run_no AND e.triggered_at = m.triggered_at AND e.seq = m.seq;
      UPDATE messages SET at_ms = 0, ord = seq::bigint * 1024 WHERE at_ms IS NULL;
      ALTER TABLE messages ALTER COLUMN at_ms SET NOT NULL, ALTER COLUMN ord SET NOT NULL;
      -- A replica of an earlier version, still running while the others upgrade, writes messages
      -- without a place: the moment it writes one stands for when it was said.
      CREATE FUNCTION messages_place() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.at_ms IS NULL THEN NEW.at_ms := floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint; END IF;
        IF NEW.ord IS NULL THEN NEW.ord := NEW.seq::bigint * 1024; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER messages_place BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION messages_place();
      CREATE INDEX messages_time ON messages (run_no, triggered_at, at_ms, ord, idx);
    `,
  },
];

/** The parent tables partitioned by month (see partitions.ts). */
export const partitionedTables = ["events", "messages", "spans", "logs", "steps"] as const;

/**
 * Creates `schema` if needed and applies every migration not yet recorded there, all in one
 * transaction under an advisory lock on the schema. Returns the versions this call applied.
 */
export async function migratePostgres(pool: pg.Pool, schema: string): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`keystroke:migrate:${schema}`]);
    // The schema name was checked to be a plain lowercase identifier (connection.ts).
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
    const applied = new Set(rows.map((row) => row.version));
    const now: number[] = [];
    for (const migration of postgresMigrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      now.push(migration.version);
    }
    await client.query("COMMIT");
    return now;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
