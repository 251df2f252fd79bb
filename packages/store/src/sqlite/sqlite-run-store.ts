/**
 * The embedded default store: one SQLite file in WAL mode, written by one process. Appends are
 * synchronous transactions, so an acknowledged batch is in the WAL before the promise resolves;
 * with `synchronous = NORMAL` that survives a killed process, and `durability: "full"` adds an
 * fsync per commit for power loss. WAL checkpoints run on a worker thread (checkpointer.ts), and
 * message text reaches the full-text index in bulk (full-text-index.ts).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  decodePosition,
  encodeCursor,
  encodePosition,
  type IngestBatch,
  type Log,
  type Message,
  type MessagePart,
  type RunEvent,
  type RunFilter,
  type RunStatus,
  type RunSummary,
  type Span,
  type StoredEvent,
  toIso,
  toKeystrokeError,
} from "@keystroke/core";
import Database from "better-sqlite3";
import { messagesCursor } from "../message-order.js";
import {
  type AppendOutcome,
  type AppendResult,
  type Page,
  type PageRequest,
  pageLimit,
  type RunInclude,
  type RunPage,
  type RunStore,
  type SessionKey,
  type StoredLog,
  type StoredMessage,
  type StoredRunView,
  type StoredStep,
} from "../run-store.js";
import { EventAppender } from "./append-events.js";
import { Checkpointer } from "./checkpointer.js";
import { FullTextIndex } from "./full-text-index.js";
import { buildListQuery, encodeSearchCursor } from "./list-runs.js";
import { migrate } from "./migrations.js";
import { joinDetail, type RunRow } from "./rows.js";

export interface SqliteStoreOptions {
  /** "normal" (default) survives a killed process; "full" also survives power loss. */
  durability?: "normal" | "full";
}

/** A row of a page ordered by position: its position, its event's body, and parts added since. */
interface PositionedRow {
  pos: number;
  body: string;
  added?: string | null;
}

const STATEMENT_CACHE = 256;
/** Re-analyse query statistics after this many appended batches. */
const OPTIMIZE_EVERY = 50_000;
/** Index queued message text once this many messages wait, or after FTS_FLUSH_MS. */
const FTS_FLUSH_AT = 20_000;
const FTS_FLUSH_MS = 500;

export class SqliteRunStore implements RunStore {
  readonly db: Database.Database;
  private readonly appender: EventAppender;
  private readonly appendTx: (batches: readonly IngestBatch[]) => AppendResult[];
  private readonly appendEachTx: (batches: readonly IngestBatch[]) => AppendOutcome[];
  private readonly listStatements = new Map<string, Database.Statement>();
  private readonly fullText: FullTextIndex;
  private readonly ftsTimer: NodeJS.Timeout;
  private readonly checkpointer: Checkpointer | undefined;
  private appendsSinceOptimize = 0;

  constructor(
    readonly path: string,
    options: SqliteStoreOptions = {},
  ) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // Event bodies are hundreds of bytes (an OTLP span with its attributes): 16 KiB pages hold
    // more of them per page, so a commit writes fewer pages (about a sixth less CPU per append
    // under `npm run bench -- otlp`). Only a new, empty database takes it; older files keep theirs.
    this.db.pragma("page_size = 16384");
    this.db.pragma("journal_mode = WAL");
    this.db.pragma(`synchronous = ${options.durability === "full" ? "FULL" : "NORMAL"}`);
    this.db.pragma("busy_timeout = 5000");
    this.db.pragma("cache_size = -65536");
    this.db.pragma("temp_store = MEMORY");
    // The backstop checkpoint (see checkpointer.ts) at about 80 MiB of WAL, whatever the page size.
    const pageSize = this.db.pragma("page_size", { simple: true }) as number;
    this.db.pragma(`wal_autocheckpoint = ${Math.round((80 * 1024 * 1024) / pageSize)}`);
    this.db.pragma("journal_size_limit = 67108864");
    migrate(this.db);
    this.db.pragma("optimize = 0x10002");
    this.appender = new EventAppender(this.db);
    // One transaction for the group, whose rows share statements (append-events.ts).
    this.appendTx = this.db.transaction((batches: readonly IngestBatch[]) => {
      const results = batches.map((batch) => this.appender.append(batch, true));
      this.appender.flushAll();
      return results;
    });
    // Nested better-sqlite3 transactions are savepoints: each batch rolls back alone.
    const appendOne = this.db.transaction((batch: IngestBatch) => this.appender.append(batch));
    this.appendEachTx = this.db.transaction((batches: readonly IngestBatch[]) =>
      batches.map((batch): AppendOutcome => {
        try {
          return { ok: true, result: appendOne(batch) };
        } catch (thrown) {
          return { ok: false, error: toKeystrokeError(thrown) };
        }
      }),
    );
    this.fullText = new FullTextIndex(this.db);
    this.fullText.flush();
    this.ftsTimer = setInterval(() => this.flushFullText(), FTS_FLUSH_MS);
    this.ftsTimer.unref();
    this.checkpointer = path === ":memory:" ? undefined : new Checkpointer(path);
  }

  async append(batches: readonly IngestBatch[]): Promise<AppendResult[]> {
    const results = this.appendTx(batches);
    this.afterAppend(batches.length);
    return results;
  }

  async appendEach(batches: readonly IngestBatch[]): Promise<AppendOutcome[]> {
    // Almost every group is accepted whole, so it is first written as one plain transaction: a
    // savepoint per batch cost about a seventh of an OTLP append (a request is dozens of one-run
    // batches). If any batch is refused, all of it rolls back and the group is written again
    // with a savepoint per batch, so only the refused batch is left out.
    let outcomes: AppendOutcome[];
    try {
      outcomes = this.appendTx(batches).map((result) => ({ ok: true, result }));
    } catch {
      outcomes = this.appendEachTx(batches);
    }
    this.afterAppend(batches.length);
    return outcomes;
  }

  async listRuns(filter: RunFilter, page: PageRequest = {}): Promise<RunPage> {
    const limit = pageLimit(page.limit);
    if (filter.search !== undefined) this.flushFullText();
    const query = buildListQuery(filter, page.cursor, limit);
    if (query === undefined) return { runs: [], nextCursor: null };
    if (query.mode === "search") return this.searchPage(query.sql, query.params, limit);
    const rows = this.statement(query.sql).all(...query.params) as { summary: string; t: number; id: string }[];
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    const last = pageRows.at(-1);
    return {
      runs: pageRows.map((row) => JSON.parse(row.summary) as RunSummary),
      nextCursor: more && last ? encodeCursor({ time: last.t, runId: last.id }) : null,
    };
  }

  /** Makes every committed message searchable now (search does this itself). */
  flushFullText(): void {
    if (this.appender.pendingFts === 0) return;
    this.fullText.flush();
    this.appender.pendingFts = 0;
  }

  private afterAppend(batches: number): void {
    if (this.appender.pendingFts >= FTS_FLUSH_AT) this.flushFullText();
    this.appendsSinceOptimize += batches;
    if (this.appendsSinceOptimize >= OPTIMIZE_EVERY) {
      this.appendsSinceOptimize = 0;
      this.db.pragma("optimize");
    }
  }

  /** Walks matching messages newest run first and stops after one page of distinct runs. */
  private searchPage(sql: string, params: unknown[], limit: number): RunPage {
    const runs: RunSummary[] = [];
    let lastRunNo: number | undefined;
    let more = false;
    for (const row of this.statement(sql).iterate(...params) as Iterable<{ n: number; summary: string }>) {
      if (row.n === lastRunNo) continue;
      if (runs.length === limit) {
        more = true;
        break;
      }
      runs.push(JSON.parse(row.summary) as RunSummary);
      lastRunNo = row.n;
    }
    return { runs, nextCursor: more && lastRunNo !== undefined ? encodeSearchCursor(lastRunNo) : null };
  }

  async getRun(runId: string, include: RunInclude = {}): Promise<StoredRunView | undefined> {
    const row = this.statement("SELECT run_no, summary, payload FROM runs WHERE run_id = ?").get(runId) as
      | RunRow
      | undefined;
    return row ? this.view(row, include) : undefined;
  }

  async readEvents(runId: string, afterSeq: number, limit = 1000): Promise<StoredEvent[]> {
    const rows = this.statement(
      `SELECT e.seq, e.body FROM runs r JOIN events e ON e.run_no = r.run_no
       WHERE r.run_id = ? AND e.seq > ? ORDER BY e.seq LIMIT ?`,
    ).all(runId, afterSeq, pageLimit(limit, 1000)) as { seq: number; body: string }[];
    return rows.map((row) => ({ ...(JSON.parse(row.body) as RunEvent), runId, seq: row.seq }) as StoredEvent);
  }

  async listSessions(
    slug: string,
    filter: { status?: RunStatus[]; project?: string[] } = {},
    page: PageRequest = {},
  ): Promise<RunPage> {
    return this.listRuns({ ...filter, kind: ["agent"], slug: [slug] }, page);
  }

  async getSession(key: SessionKey, include: RunInclude = {}): Promise<StoredRunView | undefined> {
    const projectClause = key.project === undefined ? "" : "AND project = ?";
    const params = key.project === undefined ? [key.sessionId, key.slug] : [key.sessionId, key.slug, key.project];
    const row = this.statement(
      `SELECT run_no, summary, payload FROM runs WHERE session_id = ? AND slug = ? AND kind = 'agent' ${projectClause}
       ORDER BY triggered_at DESC LIMIT 1`,
    ).get(...params) as RunRow | undefined;
    return row ? this.view(row, include) : undefined;
  }

  async close(): Promise<void> {
    clearInterval(this.ftsTimer);
    await this.checkpointer?.close();
    if (!this.db.open) return;
    this.flushFullText();
    this.db.pragma("optimize");
    this.db.close();
  }

  private view(row: RunRow, include: RunInclude): StoredRunView {
    const run = joinDetail(row);
    const view: StoredRunView = { run };
    if (include.messages) view.messages = this.messages(row.run_no, run.runId, include.messages);
    if (include.spans) view.spans = this.spans(row.run_no, include.spans);
    if (include.logs) view.logs = this.logs(row.run_no, run.runId, include.logs);
    if (include.steps) view.steps = this.steps(row.run_no, include.steps);
    return view;
  }

  private messages(runNo: number, runId: string, page: PageRequest): Page<StoredMessage> {
    // In the time each message was said (message-order.ts).
    let after = page.cursor === undefined ? [Number.MIN_SAFE_INTEGER, 0, -1] : messagesCursor(page.cursor);
    if (after.length === 1) {
      const idx = after[0] as number;
      const place = this.statement("SELECT at_ms, ord FROM messages WHERE run_no = ? AND idx = ?").get(runNo, idx) as
        | { at_ms: number; ord: number }
        | undefined;
      after = place === undefined ? [Number.MAX_SAFE_INTEGER, 0, 0] : [place.at_ms, place.ord, idx];
    }
    return this.indexedPage<StoredMessage, PositionedRow & { at: number; ord: number }>(
      `SELECT m.at_ms AS at, m.ord, m.idx AS pos, e.body, m.parts_added AS added FROM messages m
       JOIN events e ON e.run_no = m.run_no AND e.seq = m.seq
       WHERE m.run_no = ? AND (m.at_ms, m.ord, m.idx) > (?, ?, ?) ORDER BY m.at_ms, m.ord, m.idx LIMIT ?`,
      [runNo, ...after],
      page,
      (row) => {
        const { message } = JSON.parse(row.body) as { message: Message };
        const parts = row.added ? [...message.parts, ...(JSON.parse(row.added) as MessagePart[])] : message.parts;
        return { ...message, parts, time: toIso(row.at), runId, index: row.pos };
      },
      (row) => [row.at, row.ord, row.pos],
    );
  }

  private logs(runNo: number, runId: string, page: PageRequest): Page<StoredLog> {
    const after = page.cursor === undefined ? -1 : Number(decodePosition(page.cursor, "logsCursor")[0]);
    return this.indexedPage(
      `SELECT l.idx AS pos, e.body FROM logs l JOIN events e ON e.run_no = l.run_no AND e.seq = l.seq
       WHERE l.run_no = ? AND l.idx > ? ORDER BY l.idx LIMIT ?`,
      [runNo, after],
      page,
      (row) => ({ ...(JSON.parse(row.body) as { log: Log }).log, runId, index: row.pos }),
    );
  }

  private steps(runNo: number, page: PageRequest): Page<StoredStep> {
    const after = page.cursor === undefined ? -1 : Number(decodePosition(page.cursor, "stepsCursor")[0]);
    return this.indexedPage(
      "SELECT ord AS pos, body FROM steps WHERE run_no = ? AND ord > ? ORDER BY ord LIMIT ?",
      [runNo, after],
      page,
      (row) => JSON.parse(row.body) as StoredStep,
    );
  }

  private spans(runNo: number, page: PageRequest): Page<Span> {
    const limit = pageLimit(page.limit, 500);
    const [afterMs, afterId] =
      page.cursor === undefined ? [Number.MIN_SAFE_INTEGER, ""] : decodePosition(page.cursor, "spansCursor");
    const rows = this.statement(
      `SELECT s.start_ms, s.span_id, e.body FROM spans s JOIN events e ON e.run_no = s.run_no AND e.seq = s.seq
       WHERE s.run_no = ? AND (s.start_ms, s.span_id) > (?, ?) ORDER BY s.start_ms, s.span_id LIMIT ?`,
    ).all(runNo, afterMs, afterId, limit + 1) as { start_ms: number; span_id: string; body: string }[];
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    const last = pageRows.at(-1);
    return {
      items: pageRows.map((row) => (JSON.parse(row.body) as { span: Span }).span),
      nextCursor: more && last ? encodePosition([last.start_ms, last.span_id]) : null,
    };
  }

  /** A page of rows after a position; `position` is what the next page's cursor says of the last row. */
  private indexedPage<T, R extends PositionedRow = PositionedRow>(
    sql: string,
    params: unknown[],
    page: PageRequest,
    map: (row: R) => T,
    position: (row: R) => number[] = (row) => [row.pos],
  ): Page<T> {
    const limit = pageLimit(page.limit, 100);
    const rows = this.statement(sql).all(...params, limit + 1) as R[];
    const more = rows.length > limit;
    const pageRows = more ? rows.slice(0, limit) : rows;
    const last = pageRows.at(-1);
    return {
      items: pageRows.map(map),
      nextCursor: more && last ? encodePosition(position(last)) : null,
    };
  }

  private statement(sql: string): Database.Statement {
    let statement = this.listStatements.get(sql);
    if (statement === undefined) {
      if (this.listStatements.size >= STATEMENT_CACHE) this.listStatements.clear();
      statement = this.db.prepare(sql);
      this.listStatements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * Opens (creating if needed) a SQLite run store at `path`, migrating it to the current schema.
 *
 * @example
 * const store = openSqliteStore(".keystroke/keystroke.db");
 * await store.append([{ runId, events }]);
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteRunStore {
  return new SqliteRunStore(path, options);
}
