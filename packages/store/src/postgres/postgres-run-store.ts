/**
 * The PostgreSQL RunStore, for a server that grows past one process: many replicas write and
 * read one database. Appends are transactions that lock the run's row, so replicas appending
 * to one run take turns and an acknowledged batch is committed; History is keyset-paged over
 * indexed columns; search uses a tsvector per message with a GIN index; the tables that grow
 * with every event are partitioned by month (partitions.ts) so retention drops whole months
 * (retention.ts). The schema is migrated on open under an advisory lock (migrations.ts).
 */
import {
  encodeCursor,
  type IngestBatch,
  type RunFilter,
  type RunStatus,
  type RunSummary,
  type StoredEvent,
} from "@keystroke/core";
import type pg from "pg";
import {
  type AppendOutcome,
  type AppendResult,
  type PageRequest,
  pageLimit,
  type RunInclude,
  type RunPage,
  type RunStore,
  type SessionKey,
  type StoredRunView,
} from "../run-store.js";
import { appendAll, appendEachOf } from "./append-transaction.js";
import { checkSchemaName, connectionError, createPool, type PostgresStoreOptions } from "./connection.js";
import { logsPage, messagesPage, type RunKey, spansPage, stepsPage } from "./detail-pages.js";
import { buildListQuery, encodeSearchCursor } from "./list-runs.js";
import { migratePostgres } from "./migrations.js";
import { monthOf, Partitions } from "./partitions.js";
import { dropMonthsBefore } from "./retention.js";
import { joinRunRow, type PgRunRow, RUN_COLUMNS } from "./run-rows.js";
import { searchRuns } from "./search-runs.js";

export class PostgresRunStore implements RunStore {
  private closed = false;

  constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
    private readonly partitions: Partitions,
  ) {}

  append(batches: readonly IngestBatch[]): Promise<AppendResult[]> {
    if (batches.length === 0) return Promise.resolve([]);
    return appendAll(this.pool, this.partitions, batches);
  }

  appendEach(batches: readonly IngestBatch[]): Promise<AppendOutcome[]> {
    if (batches.length === 0) return Promise.resolve([]);
    return appendEachOf(this.pool, this.partitions, batches);
  }

  async listRuns(filter: RunFilter, page: PageRequest = {}): Promise<RunPage> {
    const limit = pageLimit(page.limit);
    const query = buildListQuery(filter, page.cursor, limit);
    if (query === undefined) return { runs: [], nextCursor: null };
    const rows =
      query.mode === "search"
        ? await searchRuns(this.pool, query.tsquery, query.after, limit + 1, query.filter)
        : (await this.pool.query<{ summary: RunSummary; t: number; id: string }>(query.text, query.values)).rows;
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    const last = pageRows.at(-1);
    const cursor = (time: number, runId: string) =>
      query.mode === "history" ? encodeCursor({ time, runId }) : encodeSearchCursor(time, runId);
    return { runs: pageRows.map((row) => row.summary), nextCursor: more && last ? cursor(last.t, last.id) : null };
  }

  async getRun(runId: string, include: RunInclude = {}): Promise<StoredRunView | undefined> {
    const { rows } = await this.pool.query<PgRunRow>({
      name: "keystroke-get-run",
      text: `SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = $1`,
      values: [runId],
    });
    return rows[0] ? this.view(rows[0], include) : undefined;
  }

  async readEvents(runId: string, afterSeq: number, limit = 1000): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<{ seq: number; body: StoredEvent }>({
      name: "keystroke-read-events",
      text: `SELECT e.seq, e.body FROM runs r
               JOIN events e ON e.run_no = r.run_no AND e.triggered_at = r.triggered_at
              WHERE r.run_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
      values: [runId, afterSeq, pageLimit(limit, 1000)],
    });
    return rows.map((row) => ({ ...row.body, runId, seq: row.seq }) as StoredEvent);
  }

  listSessions(
    slug: string,
    filter: { status?: RunStatus[]; project?: string[] } = {},
    page: PageRequest = {},
  ): Promise<RunPage> {
    return this.listRuns({ ...filter, kind: ["agent"], slug: [slug] }, page);
  }

  async getSession(key: SessionKey, include: RunInclude = {}): Promise<StoredRunView | undefined> {
    const { rows } = await this.pool.query<PgRunRow>({
      name: "keystroke-get-session",
      text: `SELECT ${RUN_COLUMNS} FROM runs
              WHERE session_id = $1 AND slug = $2 AND kind = 'agent' AND ($3::text IS NULL OR project = $3)
              ORDER BY triggered_at DESC LIMIT 1`,
      values: [key.sessionId, key.slug, key.project ?? null],
    });
    return rows[0] ? this.view(rows[0], include) : undefined;
  }

  /**
   * Removes the runs triggered before the month holding `cutoffMs` and drops those months'
   * partitions (retention.ts). Returns the months dropped as `YYYY-MM`.
   */
  async dropMonthsBefore(cutoffMs: number): Promise<string[]> {
    const dropped = await dropMonthsBefore(this.pool, this.schema, cutoffMs);
    this.partitions.forget();
    return dropped;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async view(row: PgRunRow, include: RunInclude): Promise<StoredRunView> {
    const run = joinRunRow(row);
    const key: RunKey = { runNo: row.run_no, triggeredAt: row.triggered_at, runId: run.runId };
    const [messages, spans, logs, steps] = await Promise.all([
      include.messages && messagesPage(this.pool, key, include.messages),
      include.spans && spansPage(this.pool, key, include.spans),
      include.logs && logsPage(this.pool, key, include.logs),
      include.steps && stepsPage(this.pool, key, include.steps),
    ]);
    const view: StoredRunView = { run };
    if (messages) view.messages = messages;
    if (spans) view.spans = spans;
    if (logs) view.logs = logs;
    if (steps) view.steps = steps;
    return view;
  }
}

/**
 * Opens a PostgreSQL run store: connects, creates the schema if needed, migrates it (once across
 * replicas starting together) and makes the partitions of this month and the next.
 *
 * @example
 * const store = await openPostgresStore({ connectionString: "postgres://keystroke@db:5432/keystroke" });
 * await store.append([{ runId, events }]);
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresRunStore> {
  const schema = checkSchemaName(options.schema ?? "public");
  const pool = createPool(options, schema);
  try {
    await migratePostgres(pool, schema);
    const partitions = new Partitions(schema);
    const client = await pool.connect();
    try {
      const month = monthOf(Date.now());
      await partitions.ensure(client, [month, month + 1]);
    } finally {
      client.release();
    }
    return new PostgresRunStore(pool, schema, partitions);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectionError(error, options.connectionString);
  }
}
