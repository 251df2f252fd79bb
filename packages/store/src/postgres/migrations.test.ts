import { newEventId, newRunId } from "@keystroke/core/ids";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { moreEvents, runEvents } from "../conformance/index.js";
import { migratePostgres, postgresMigrations } from "./migrations.js";
import { openPostgresStore, type PostgresRunStore } from "./postgres-run-store.js";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "./test-database.js";

beforeEach(requireTestDatabase);

const schemas: string[] = [];
const stores: PostgresRunStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await Promise.all(schemas.splice(0).map((schema) => dropTestSchema(schema)));
});

function freshSchema(): string {
  const schema = testSchemaName();
  schemas.push(schema);
  return schema;
}

async function open(schema: string): Promise<PostgresRunStore> {
  const store = await openPostgresStore({ connectionString: testDatabaseUrl, schema, maxConnections: 2 });
  stores.push(store);
  return store;
}

describe("PostgreSQL migrations", () => {
  it("migrates a fresh schema once when replicas open it at the same time", async () => {
    const schema = freshSchema();
    const pools = Array.from(
      { length: 4 },
      () => new pg.Pool({ connectionString: testDatabaseUrl, max: 1, options: `-c search_path=${schema}` }),
    );
    try {
      const applied = await Promise.all(pools.map((pool) => migratePostgres(pool, schema)));
      const all = postgresMigrations.map((m) => m.version);
      // One of them applied every migration; the others waited for its lock and found nothing to do.
      expect(applied.filter((versions) => versions.length > 0)).toEqual([all]);
      expect(applied.flat().sort()).toEqual(all);
      const { rows } = await (pools[0] as pg.Pool).query("SELECT version FROM schema_migrations ORDER BY version");
      expect(rows.map((row) => row.version)).toEqual(all);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it("opens two stores on one fresh schema at once, and both write and read it", async () => {
    const schema = freshSchema();
    const [a, b] = await Promise.all([open(schema), open(schema)]);
    const batch = runEvents({ messages: ["hello from a replica"] });
    await a.append([batch]);
    expect((await b.getRun(batch.runId))?.run.messageCount).toBe(1);
    expect((await b.listRuns({ search: "replica" })).runs.map((r) => r.runId)).toEqual([batch.runId]);
  });

  it("keeps runs across a reopen and migrates nothing the second time", async () => {
    const schema = freshSchema();
    const first = await open(schema);
    const batch = runEvents({ messages: ["kept across restarts"], at: Date.parse("2026-03-05T10:00:00Z") });
    await first.append([batch]);
    await first.close();
    const again = await open(schema);
    expect(await migratePostgres(again.pool, schema)).toEqual([]);
    expect((await again.getRun(batch.runId, { messages: {} }))?.messages?.items).toHaveLength(1);
    expect((await again.getRun(newRunId()))?.run).toBeUndefined();
  });

  it("orders the messages of a schema written before migration 9 by the time they were said", async () => {
    const schema = freshSchema();
    const first = await open(schema);
    const T0 = Date.parse("2026-11-02T00:00:00Z");
    const said = (id: string, ms: number) => ({
      eventId: newEventId(),
      type: "message.added" as const,
      time: new Date(T0 + ms).toISOString(),
      message: { id, role: "user" as const, parts: [{ type: "text" as const, text: `said ${id}` }] },
    });
    const batch = runEvents({ status: "running" });
    await first.append([batch]);
    await first.append([moreEvents(batch.runId, [said("second", 5_000), said("second-b", 5_000)])]);
    await first.append([moreEvents(batch.runId, [said("first", 1_000)])]);
    // The messages as schema 8 had them: in the order they came, without their times.
    await first.pool.query(
      "DROP TRIGGER messages_place ON messages; DROP FUNCTION messages_place(); ALTER TABLE messages DROP COLUMN at_ms, DROP COLUMN ord",
    );
    await first.pool.query("DELETE FROM schema_migrations WHERE version = 9");
    await first.close();

    const again = await open(schema);
    const view = await again.getRun(batch.runId, { messages: {} });
    expect(view?.messages?.items.map((m) => [m.id, m.index])).toEqual([
      ["first", 2],
      ["second", 0],
      ["second-b", 1],
    ]);
    await again.append([moreEvents(batch.runId, [said("between", 3_000)])]);
    const after = await again.getRun(batch.runId, { messages: {} });
    expect(after?.messages?.items.map((m) => m.id)).toEqual(["first", "between", "second", "second-b"]);

    // A replica still on the earlier version writes a message without its place, as it did.
    const { rows } = await again.pool.query<{ run_no: string; triggered_at: string; seq: number }>(
      "SELECT run_no, triggered_at, max(seq) + 1 AS seq FROM events WHERE run_no = (SELECT run_no FROM runs WHERE run_id = $1) GROUP BY run_no, triggered_at",
      [batch.runId],
    );
    const row = rows[0] as { run_no: string; triggered_at: string; seq: number };
    const before = Date.now();
    await again.pool.query(
      `WITH ev AS (INSERT INTO events (triggered_at, run_no, seq, event_id, body) VALUES ($1, $2, $3, 'ev-old', $4))
       INSERT INTO messages (triggered_at, run_no, run_id, idx, message_id, seq) VALUES ($1, $2, $5, 4, 'old', $3)`,
      [row.triggered_at, row.run_no, row.seq, JSON.stringify(said("old", 0)), batch.runId],
    );
    const latest = await again.getRun(batch.runId, { messages: {} });
    // Placed at the moment it was written: after the others, not at the epoch.
    expect(latest?.messages?.items.map((m) => m.id)).toEqual(["first", "between", "second", "second-b", "old"]);
    expect(Date.parse(latest?.messages?.items.at(-1)?.time as string)).toBeGreaterThanOrEqual(before - 1_000);
  });
});
