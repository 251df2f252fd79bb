/**
 * `npm run bench -- pg-history`: History at scale on the PostgreSQL store, beside the SQLite store
 * measured in the same run over the same runs. A generated History (pg-history-data.ts) is loaded
 * into both — in bulk, by a loader held row for row to `store.append` first (pg-history-verify.ts)
 * — then listRuns is timed for every RunFilter field, alone and combined, on the first page and a
 * deep keyset page, and search on its first and next page. Then what the stores occupy on disk:
 * per run for this History, and per span for a span-heavy one written through `store.append`.
 *
 * KEYSTROKE_BENCH_RUNS sizes the History: 250,000 runs by default (six to seven minutes on two
 * cores); the goals — listRuns p95 ≤ 50 ms, search p95 ≤ 200 ms — are stated for 1,000,000,
 * which takes 13–20 minutes on a busy two-core machine, most of it loading: set
 * KEYSTROKE_BENCH_RUNS=1000000 for it. KEYSTROKE_BENCH_SAMPLES (queries per case and page, 200),
 * KEYSTROKE_BENCH_SPAN_RUNS (runs of 50 spans, 10,000) and KEYSTROKE_BENCH_DATABASE_URL (the test
 * database by default) size the rest. Each store lives in a schema `ks_bench_<random>_<name>` or
 * a temporary file, dropped at the end.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  openPostgresStore,
  openSqliteStore,
  type PostgresRunStore,
  type RunStore,
  type SqliteRunStore,
} from "@keystroke/store";
import pg from "pg";
import { random } from "./data.js";
import { HistoryRuns } from "./pg-history-data.js";
import { PgBulkWriter } from "./pg-history-postgres-load.js";
import { cases, figureHeader, figureRows, measure, type Picked } from "./pg-history-queries.js";
import { foldNewRun, type RunRows } from "./pg-history-rows.js";
import { SqliteWorkerWriter, sqliteRows } from "./pg-history-sqlite-load.js";
import { loadSpans, pgFootprint, spanTable, sqliteFootprint, storageTable } from "./pg-history-storage.js";
import { verifyBulkLoad } from "./pg-history-verify.js";
import { heading, progress, progressDone, table, timeAsync } from "./report.js";

const RUNS = Number(process.env.KEYSTROKE_BENCH_RUNS ?? 250_000);
const SAMPLES = Number(process.env.KEYSTROKE_BENCH_SAMPLES ?? 200);
const SPAN_RUNS = Number(process.env.KEYSTROKE_BENCH_SPAN_RUNS ?? 10_000);
const SPANS_PER_RUN = 50;
const DATABASE_URL = process.env.KEYSTROKE_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
/** Runs generated and written to SQLite between two looks at the PostgreSQL connection. */
const SLICE = 250;
/** Runs per PostgreSQL transaction (one COPY per table). */
const PG_CHUNK = 2000;
/** A case stops sampling after this long, so one slow query cannot take the whole run. */
const CASE_BUDGET_MS = 15_000;

const count = (n: number) => n.toLocaleString("en-US");
const seconds = (millis: number) => `${(millis / 1000).toFixed(0)} s`;

interface Loaded {
  events: number;
  messages: number;
  picked: Picked;
}

/**
 * Generates RUNS runs and writes them to both stores at once: SQLite on a worker thread, PostgreSQL
 * by COPY over its connection, and the next runs generated on the main thread meanwhile.
 */
async function load(postgres: PostgresRunStore, sqlite: SqliteRunStore): Promise<Loaded> {
  const history = new HistoryRuns(RUNS, random(42));
  const pgWriter = new PgBulkWriter(postgres.pool, postgres.schema);
  const sqliteWriter = new SqliteWorkerWriter(sqlite.path);
  const loaded: Loaded = { events: 0, messages: 0, picked: { sessions: [], parents: [] } };
  const started = performance.now();
  let writing: Promise<void> = Promise.resolve();
  let waiting: RunRows[] = [];
  for (let i = 0; i < RUNS; i += SLICE) {
    const rows: RunRows[] = [];
    for (let k = i; k < Math.min(RUNS, i + SLICE); k++) {
      const run = foldNewRun(k + 1, history.batch());
      rows.push(run);
      loaded.events += run.events.length;
      loaded.messages += run.messages.length;
      if (k % 997 === 0 && run.detail.sessionId !== null) loaded.picked.sessions.push(run.detail.sessionId);
      if (k % 101 === 0 && run.detail.parentRunId !== null) loaded.picked.parents.push(run.detail.parentRunId);
    }
    await sqliteWriter.write(sqliteRows(rows));
    waiting.push(...rows);
    if (waiting.length >= PG_CHUNK || i + SLICE >= RUNS) {
      await sqliteWriter.commit();
      await writing;
      writing = pgWriter.write(waiting);
      writing.catch(() => undefined);
      waiting = [];
    }
    // Lets the connection take PostgreSQL's answers and send the next COPY between two slices.
    await new Promise(setImmediate);
    const elapsed = (performance.now() - started) / 1000;
    progress(`loading: ${count(i + rows.length)} of ${count(RUNS)} runs, ${elapsed.toFixed(0)} s`);
  }
  await writing;
  await pgWriter.finish();
  await sqliteWriter.finish();
  progressDone();
  return loaded;
}

const loadAverage = () =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(" ");

/** What the figures were measured on: the CPUs, how busy they were, and PostgreSQL's settings. */
async function machine(postgres: PostgresRunStore): Promise<string> {
  const { rows } = await postgres.pool.query<{ name: string; setting: string }>(
    `SELECT name, current_setting(name) AS setting FROM pg_settings
      WHERE name IN ('server_version', 'shared_buffers', 'work_mem', 'jit') ORDER BY name`,
  );
  const settings = rows.map((row) => `${row.name} ${row.setting}`).join(", ");
  return `${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown"}), load average ${loadAverage()} at the start; PostgreSQL: ${settings}`;
}

/** Opens stores in fresh schemas and temporary files, and drops them all afterwards. */
class Scratch {
  private readonly schemas: string[] = [];
  readonly dir = mkdtempSync(join(tmpdir(), "keystroke-pg-bench-"));
  private readonly stores: RunStore[] = [];
  private readonly id = randomBytes(4).toString("hex");

  async postgres(name: string): Promise<PostgresRunStore> {
    const schema = `ks_bench_${this.id}_${name}`;
    this.schemas.push(schema);
    const store = await openPostgresStore({ connectionString: DATABASE_URL, schema, maxConnections: 4 });
    this.stores.push(store);
    return store;
  }

  sqlite(name: string): SqliteRunStore {
    const store = openSqliteStore(join(this.dir, `${name}.db`));
    this.stores.push(store);
    return store;
  }

  async dispose(): Promise<void> {
    for (const store of this.stores) await store.close().catch(() => undefined);
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      for (const schema of this.schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function benchPgHistory(): Promise<void> {
  const began = performance.now();
  heading(
    `PostgreSQL History: ${count(RUNS)} runs in PostgreSQL and SQLite, listRuns and search timed on both (pages of 50)`,
  );
  const scratch = new Scratch();
  try {
    console.log(
      await verifyBulkLoad(
        1000,
        { bulk: await scratch.postgres("vb"), appended: await scratch.postgres("va") },
        { bulk: scratch.sqlite("vb"), appended: scratch.sqlite("va") },
      ),
    );
    const postgres = await scratch.postgres("history");
    const sqlite = scratch.sqlite("history");
    console.log(await machine(postgres));
    const { value: loaded, ms: loadMs } = await timeAsync(() => load(postgres, sqlite));
    const { ms: analyzeMs } = await timeAsync(async () => {
      await postgres.pool.query("VACUUM (ANALYZE) runs, run_models, run_services, messages");
      await postgres.pool.query("ANALYZE events, steps");
      sqlite.db.exec("ANALYZE");
    });
    console.log(
      `loaded ${count(RUNS)} runs (${count(loaded.events)} events, ${count(loaded.messages)} messages) into both stores in ${seconds(loadMs)}, then VACUUM ANALYZE / ANALYZE in ${seconds(analyzeMs)}`,
    );

    const rows: string[][] = [figureHeader];
    let differing = 0;
    for (const c of cases(loaded.picked)) {
      progress(`measuring ${c.name}`);
      const measured = await measure(c, postgres, sqlite, SAMPLES, CASE_BUDGET_MS);
      differing += measured.differing;
      rows.push(...figureRows(c, measured));
    }
    progressDone();
    table(rows);
    console.log(
      differing === 0
        ? "Both stores answered every query with the same page."
        : `The stores' pages differed in ${differing} queries.`,
    );

    heading(
      `Storage of this History: ${count(RUNS)} runs, ${count(loaded.events)} events, ${count(loaded.messages)} messages`,
    );
    storageTable(await pgFootprint(postgres), sqliteFootprint(sqlite), { runs: RUNS, ...loaded });

    heading(
      `Storage of spans: ${count(SPAN_RUNS)} runs × ${SPANS_PER_RUN} spans through store.append, extrapolated to a million spans`,
    );
    const spanPostgres = await scratch.postgres("spans");
    const spanSqlite = scratch.sqlite("spans");
    const times = await loadSpans(spanPostgres, spanSqlite, SPAN_RUNS, SPANS_PER_RUN, random(5));
    progressDone();
    await spanPostgres.pool.query("VACUUM (ANALYZE) events, spans");
    spanTable(await pgFootprint(spanPostgres), sqliteFootprint(spanSqlite), SPAN_RUNS * SPANS_PER_RUN, times);
  } finally {
    await scratch.dispose();
  }
  console.log(`pg-history took ${seconds(performance.now() - began)}; load average ${loadAverage()} at the end`);
}
