/**
 * What a store occupies on disk, by table family (a table with its indexes, its partitions and,
 * on SQLite, its full-text shadow tables): PostgreSQL's pg_total_relation_size summed over the
 * store's schema, SQLite's dbstat over its file. And a span-heavy History, written through the
 * real append path, to price a span.
 */
import { type IngestBatch, parseIngestBatch, type RunEventInput } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";
import type { PostgresRunStore, SqliteRunStore } from "@keystroke/store";
import { pick } from "./data.js";
import { T0 } from "./pg-history-data.js";
import { progress, table } from "./report.js";

/** Bytes by table family, and the whole store. */
export interface Footprint {
  families: Map<string, number>;
  total: number;
}

const FAMILY = new Map([
  ["messages_fts", "messages"],
  ["messages_fts_pending", "messages"],
]);

/** The family a table or shadow table belongs to: `events_p2026_08` → `events`. */
function family(name: string): string {
  const base = name.replace(/_p\d{4}_\d{2}$/, "").replace(/_(data|idx|docsize|config|content)$/, "");
  return FAMILY.get(base) ?? base;
}

export async function pgFootprint(store: PostgresRunStore): Promise<Footprint> {
  const { rows } = await store.pool.query<{ name: string; bytes: number }>(
    `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
    [store.schema],
  );
  const families = new Map<string, number>();
  for (const row of rows) families.set(family(row.name), (families.get(family(row.name)) ?? 0) + Number(row.bytes));
  return { families, total: [...families.values()].reduce((a, b) => a + b, 0) };
}

export function sqliteFootprint(store: SqliteRunStore): Footprint {
  store.flushFullText();
  store.db.pragma("wal_checkpoint(TRUNCATE)");
  const rows = store.db
    .prepare(
      `SELECT coalesce(m.tbl_name, d.name) AS name, sum(d.pgsize) AS bytes
         FROM dbstat d LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY 1`,
    )
    .all() as { name: string; bytes: number }[];
  const families = new Map<string, number>();
  for (const row of rows) families.set(family(row.name), (families.get(family(row.name)) ?? 0) + row.bytes);
  const pageSize = store.db.pragma("page_size", { simple: true }) as number;
  const pages = store.db.pragma("page_count", { simple: true }) as number;
  return { families, total: pageSize * pages };
}

const spanNames = ["chat gpt-5-mini", "execute_tool lookup-order", "GET /v1/orders", "SELECT orders", "embeddings"];

/** A run of `spans` spans (one root, the rest its children), as an OTLP exporter's batch would. */
export function spanHeavyBatch(i: number, spans: number, next: () => number): IngestBatch {
  const at = T0 + i * 60_000;
  const hex = (length: number) => Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join("");
  const iso = (t: number) => new Date(t).toISOString();
  const traceId = hex(32);
  const root = hex(16);
  const events: RunEventInput[] = [
    {
      eventId: newEventId(),
      type: "run.created",
      time: iso(at),
      kind: "agent",
      slug: "support",
      name: "Support agent",
      project: "acme",
      source: "api",
      trigger: { label: "API prompt" },
      actor: { type: "api_key", id: "key_bench" },
      status: "running",
    },
  ];
  for (let s = 0; s < spans; s++) {
    const start = at + s * 20;
    const name = s === spans - 1 ? "invoke_agent support" : pick(next, spanNames);
    events.push({
      eventId: newEventId(),
      type: "span.recorded",
      time: iso(start + 15),
      span: {
        traceId,
        spanId: s === spans - 1 ? root : hex(16),
        parentSpanId: s === spans - 1 ? undefined : root,
        name,
        kind: name.startsWith("chat") || name.startsWith("GET") ? "client" : "internal",
        startTime: iso(start),
        endTime: iso(start + 15),
        attributes: {
          "gen_ai.operation.name": name.split(" ")[0] ?? "chat",
          "gen_ai.request.model": "gpt-5-mini",
          "gen_ai.usage.input_tokens": 900 + s,
          "gen_ai.usage.output_tokens": 120,
          "service.name": "support-agent",
          "http.response.status_code": 200,
        },
      },
    });
  }
  events.push({ eventId: newEventId(), type: "run.finished", time: iso(at + spans * 20 + 20), status: "success" });
  return parseIngestBatch({ runId: newRunId(at), events });
}

/**
 * Appends `runs` span-heavy runs of `spans` spans to both stores through `store.append`, 100
 * runs per call. Resolves to the milliseconds each store spent appending.
 */
export async function loadSpans(
  postgres: PostgresRunStore,
  sqlite: SqliteRunStore,
  runs: number,
  spans: number,
  next: () => number,
): Promise<{ postgresMs: number; sqliteMs: number }> {
  let postgresMs = 0;
  let sqliteMs = 0;
  for (let i = 0; i < runs; i += 100) {
    const batches = Array.from({ length: Math.min(100, runs - i) }, (_, k) => spanHeavyBatch(i + k, spans, next));
    let start = performance.now();
    await postgres.append(batches);
    postgresMs += performance.now() - start;
    start = performance.now();
    await sqlite.append(batches);
    sqliteMs += performance.now() - start;
    progress(
      `span-heavy load: ${(i + batches.length).toLocaleString("en-US")} of ${runs.toLocaleString("en-US")} runs`,
    );
  }
  return { postgresMs, sqliteMs };
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
const perItem = (bytes: number, items: number) => `${Math.round(bytes / items).toLocaleString("en-US")} B`;

/** The History's footprint by table, per item and per million runs and events. */
export function storageTable(
  pgSizes: Footprint,
  sqliteSizes: Footprint,
  loaded: { runs: number; events: number; messages: number },
): void {
  const families: [string, string[], number, string][] = [
    ["runs (History rows and their 13 indexes)", ["runs"], loaded.runs, "run"],
    ["run_models + run_services", ["run_models", "run_services"], loaded.runs, "run"],
    ["events (every event's body)", ["events"], loaded.events, "event"],
    ["messages (and the search index)", ["messages"], loaded.messages, "message"],
    ["steps", ["steps"], loaded.runs, "run"],
  ];
  const size = (f: Footprint, names: string[]) => names.reduce((n, name) => n + (f.families.get(name) ?? 0), 0);
  const rows = [["table", "PostgreSQL", "SQLite", "per item (PG / SQLite)"]];
  for (const [label, names, items, unit] of families) {
    const a = size(pgSizes, names);
    const b = size(sqliteSizes, names);
    rows.push([label, gb(a), gb(b), `${perItem(a, items)} / ${perItem(b, items)} per ${unit}`]);
  }
  rows.push([
    "whole store",
    gb(pgSizes.total),
    gb(sqliteSizes.total),
    `${perItem(pgSizes.total, loaded.runs)} / ${perItem(sqliteSizes.total, loaded.runs)} per run`,
  ]);
  rows.push([
    "per million runs",
    gb((pgSizes.total / loaded.runs) * 1e6),
    gb((sqliteSizes.total / loaded.runs) * 1e6),
    "",
  ]);
  rows.push([
    "per million events (this mix)",
    gb((pgSizes.total / loaded.events) * 1e6),
    gb((sqliteSizes.total / loaded.events) * 1e6),
    "",
  ]);
  table(rows);
}

/** The span-heavy History's footprint per million spans, and the append rate that wrote it. */
export function spanTable(
  pgSizes: Footprint,
  sqliteSizes: Footprint,
  spans: number,
  times: { postgresMs: number; sqliteMs: number },
): void {
  const perMillion = (bytes: number) => gb((bytes / spans) * 1e6);
  const get = (f: Footprint, name: string) => f.families.get(name) ?? 0;
  table([
    ["per million spans (extrapolated)", "PostgreSQL", "SQLite"],
    ["events (span bodies)", perMillion(get(pgSizes, "events")), perMillion(get(sqliteSizes, "events"))],
    ["spans (order and key)", perMillion(get(pgSizes, "spans")), perMillion(get(sqliteSizes, "spans"))],
    ["whole store", perMillion(pgSizes.total), perMillion(sqliteSizes.total)],
    [
      "store.append, spans/s",
      `${Math.round((spans / times.postgresMs) * 1000).toLocaleString("en-US")}`,
      `${Math.round((spans / times.sqliteMs) * 1000).toLocaleString("en-US")}`,
    ],
  ]);
}
