import { newRunId } from "@keystroke/core/ids";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runEvents } from "../conformance/index.js";
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
});
