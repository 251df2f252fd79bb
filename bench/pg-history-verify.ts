/**
 * Holds the bulk loaders to the append path: the same generated runs go into one pair of stores
 * through pg-history-postgres-load.ts and pg-history-sqlite-load.ts and into another through
 * `store.append`, and every table must come out identical row for row (PostgreSQL and SQLite
 * alike), the full-text index must find the same messages for every word, and listRuns and getRun
 * (every 20th run, with all its pages) must answer the same. Both pairs then take one more
 * append — a new run, and new events on a bulk-loaded run — and must still be identical.
 */
import { isDeepStrictEqual } from "node:util";
import { type IngestBatch, parseIngestBatch, type RunFilter } from "@keystroke/core";
import { newEventId } from "@keystroke/core/ids";
import type { PostgresRunStore, RunStore, SqliteRunStore } from "@keystroke/store";
import { random, vocabulary } from "./data.js";
import { HistoryRuns, rareWords } from "./pg-history-data.js";
import { PgBulkWriter } from "./pg-history-postgres-load.js";
import { foldNewRun } from "./pg-history-rows.js";
import { SqliteBulkWriter, sqliteRows } from "./pg-history-sqlite-load.js";

/** The tables a run's append writes, in both stores. */
const TABLES = ["runs", "run_models", "run_services", "events", "messages", "spans", "logs", "steps"];

/** Stores to compare: one written by the bulk loader, one by `store.append`. */
export interface StorePair<S extends RunStore> {
  bulk: S;
  appended: S;
}

async function pgDigest(store: PostgresRunStore): Promise<string[]> {
  const out: string[] = [];
  for (const table of TABLES) {
    const { rows } = await store.pool.query<{ n: number; digest: string }>(
      `SELECT count(*)::int AS n, md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS digest FROM ${table} t`,
    );
    out.push(`${table}: ${rows[0]?.n} ${rows[0]?.digest}`);
  }
  const sequence = await store.pool.query<{ last: number }>("SELECT last_value AS last FROM runs_run_no_seq");
  out.push(`run_no sequence: ${sequence.rows[0]?.last}`);
  return out;
}

function sqliteDigest(store: SqliteRunStore): unknown[] {
  store.flushFullText();
  const tables = TABLES.map((table) => store.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).all());
  const match = store.db.prepare("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid").pluck();
  return [...tables, [...vocabulary, ...rareWords].map((word) => match.all(`"${word}"`))];
}

async function sameAnswers(pair: StorePair<RunStore>, runIds: string[], filters: RunFilter[]): Promise<boolean> {
  for (const filter of filters) {
    const [a, b] = await Promise.all([pair.bulk.listRuns(filter), pair.appended.listRuns(filter)]);
    if (!isDeepStrictEqual(a, b)) return false;
  }
  const include = { messages: {}, spans: {}, logs: {}, steps: {} };
  for (const runId of runIds.filter((_, i) => i % 20 === 0 || i >= runIds.length - 2)) {
    const [a, b] = await Promise.all([pair.bulk.getRun(runId, include), pair.appended.getRun(runId, include)]);
    if (a === undefined || !isDeepStrictEqual(a, b)) return false;
  }
  return true;
}

/** One more append on top of the loaded runs: a new run, and events added to a stored run. */
function laterBatches(storedRunId: string, next: () => number): IngestBatch[] {
  const at = "2026-10-20T00:00:00.000Z";
  const more = parseIngestBatch({
    runId: storedRunId,
    events: [
      { eventId: newEventId(), type: "run.status_changed", time: at, status: "running" },
      {
        eventId: newEventId(),
        type: "message.added",
        time: at,
        message: { id: "later", role: "user", parts: [{ type: "text", text: "one more question" }] },
      },
      {
        eventId: newEventId(),
        type: "message.part_added",
        time: at,
        messageId: "later",
        part: { type: "text", text: "kangaroo" },
      },
      { eventId: newEventId(), type: "run.finished", time: at, status: "success" },
    ],
  });
  return [new HistoryRuns(1, next).batch(), more];
}

/**
 * Loads `count` generated runs both ways into each pair and compares them. Resolves to a line
 * for the report; throws, naming the first difference, when the loader and append disagree.
 */
export async function verifyBulkLoad(
  count: number,
  postgres: StorePair<PostgresRunStore>,
  sqlite: StorePair<SqliteRunStore>,
): Promise<string> {
  const history = new HistoryRuns(count, random(7));
  const batches = Array.from({ length: count }, () => history.batch());
  const rows = batches.map((batch, i) => foldNewRun(i + 1, batch));
  const pgWriter = new PgBulkWriter(postgres.bulk.pool, postgres.bulk.schema);
  await pgWriter.write(rows);
  await pgWriter.finish();
  const sqliteWriter = new SqliteBulkWriter(sqlite.bulk.db);
  sqliteWriter.write(sqliteRows(rows));
  sqliteWriter.finish();
  for (let i = 0; i < count; i += 500) {
    await postgres.appended.append(batches.slice(i, i + 500));
    await sqlite.appended.append(batches.slice(i, i + 500));
  }

  const runIds = batches.map((batch) => batch.runId);
  const filters: RunFilter[] = [
    {},
    { status: ["failed"] },
    { project: ["project-1"], kind: ["agent"] },
    { model: ["openai/gpt-5"] },
    { service: ["stripe"] },
    { search: "refund" },
    { search: "order", status: ["success"] },
    { stepsMin: 3 },
  ];
  const check = async (stage: string) => {
    const pgA = await pgDigest(postgres.bulk);
    const pgB = await pgDigest(postgres.appended);
    const differs = pgA.findIndex((line, i) => line !== pgB[i]);
    if (differs >= 0)
      throw new Error(`Bulk load differs from append ${stage} (PostgreSQL ${TABLES[differs] ?? "sequence"})`);
    if (!isDeepStrictEqual(sqliteDigest(sqlite.bulk), sqliteDigest(sqlite.appended))) {
      throw new Error(`Bulk load differs from append ${stage} (SQLite tables or full-text index)`);
    }
    for (const pair of [postgres, sqlite] as StorePair<RunStore>[]) {
      if (!(await sameAnswers(pair, runIds, filters))) throw new Error(`listRuns/getRun differ ${stage}`);
    }
  };
  await check("after loading");
  const later = laterBatches(runIds[Math.floor(count / 2)] as string, random(8));
  for (const store of [postgres.bulk, postgres.appended, sqlite.bulk, sqlite.appended] as RunStore[]) {
    await store.append(later);
  }
  runIds.push(...later.map((batch) => batch.runId));
  await check("after a later append");
  return `bulk loader checked against store.append on ${count.toLocaleString("en-US")} runs: every table identical in both stores, listRuns and getRun alike, before and after a later append`;
}
