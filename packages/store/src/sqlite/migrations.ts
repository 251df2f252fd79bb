/**
 * Versioned schema of the SQLite store. A migration runs once, in a transaction, and its version
 * is recorded in `schema_migrations`; never edit a migration that has shipped — add the next one.
 *
 * Why `messages_fts_pending`: FTS5 writes a new index segment at every commit, which made
 * one-run appends spend most of their time merging segments. Appends queue message text here
 * (a plain B-tree insert) and the store moves the queue into the index in bulk: before every
 * search, when the queue grows, and on a timer — so search always sees every committed message.
 *
 * Why projections hold sequence numbers, not bodies: an event's JSON is written once, in
 * `events`; `messages`, `spans` and `logs` only order and key those events (plus the parts
 * streamed onto a message later). Writing each body twice made ingest pay for every byte twice.
 *
 * Why `runs.run_no`: an integer key lets the full-text index name its run without a lookup.
 * Each message's FTS rowid is `run_no * 2^24 + message index`, so a search yields run numbers
 * by shifting, not by joining every matching message back to its run.
 */
import type Database from "better-sqlite3";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "runs, events and projections",
    sql: `
      CREATE TABLE runs (
        run_no INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        slug TEXT NOT NULL,
        status TEXT NOT NULL,
        project TEXT NOT NULL,
        session_id TEXT,
        source TEXT NOT NULL,
        trigger TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        parent_run_id TEXT,
        triggered_at INTEGER NOT NULL,
        total_cost REAL NOT NULL DEFAULT 0,
        message_count INTEGER NOT NULL DEFAULT 0,
        step_count INTEGER NOT NULL DEFAULT 0,
        last_seq INTEGER NOT NULL,
        summary TEXT NOT NULL,
        payload TEXT NOT NULL
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
        model TEXT NOT NULL,
        triggered_at INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        run_no INTEGER NOT NULL,
        PRIMARY KEY (model, triggered_at, run_id)
      ) WITHOUT ROWID;
      CREATE TABLE run_services (
        service TEXT NOT NULL,
        triggered_at INTEGER NOT NULL,
        run_id TEXT NOT NULL,
        run_no INTEGER NOT NULL,
        PRIMARY KEY (service, triggered_at, run_id)
      ) WITHOUT ROWID;

      CREATE TABLE events (
        run_no INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        event_id TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (run_no, seq)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX events_event_id ON events (run_no, event_id);

      CREATE TABLE messages (
        run_no INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        message_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        parts_added TEXT,
        PRIMARY KEY (run_no, idx)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX messages_id ON messages (run_no, message_id);
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TABLE messages_fts_pending (
        fts_rowid INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        replaces INTEGER NOT NULL
      );

      CREATE TABLE spans (
        run_no INTEGER NOT NULL,
        span_id TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (run_no, span_id)
      ) WITHOUT ROWID;
      CREATE INDEX spans_start ON spans (run_no, start_ms, span_id, seq);

      CREATE TABLE logs (
        run_no INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (run_no, idx)
      ) WITHOUT ROWID;

      CREATE TABLE steps (
        run_no INTEGER NOT NULL,
        step_id TEXT NOT NULL,
        ord INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (run_no, step_id)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX steps_order ON steps (run_no, ord);
    `,
  },
];

/** Applies every migration newer than the database's version, each in its own transaction. */
export function migrate(db: Database.Database): number {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
  );
  const row = db.prepare("SELECT MAX(version) AS version FROM schema_migrations").get() as { version: number | null };
  const current = row.version ?? 0;
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
  }
  return migrations.at(-1)?.version ?? 0;
}
