import { describe, expect, it } from "vitest";
import { describeScheduler } from "../conformance/scheduler.conformance.js";
import { PgScheduler } from "./pg-scheduler.js";
import { openPostgresStore, type PostgresRunStore } from "./postgres-run-store.js";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "./test-database.js";

const openStore = (schema: string) =>
  openPostgresStore({ connectionString: testDatabaseUrl, schema, maxConnections: 4 });

describeScheduler("postgres", async () => {
  await requireTestDatabase();
  const schema = testSchemaName();
  let store: PostgresRunStore = await openStore(schema);
  let scheduler = new PgScheduler(store.pool);
  return {
    scheduler,
    reopen: async () => {
      await scheduler.stop();
      await store.close();
      store = await openStore(schema);
      scheduler = new PgScheduler(store.pool);
      return scheduler;
    },
    destroy: async () => {
      await scheduler.stop();
      await store.close();
      await dropTestSchema(schema);
    },
  };
});

describe("PgScheduler: several processes on one database", () => {
  it("delivers each of 300 due timers once across three schedulers claiming together", async () => {
    await requireTestDatabase();
    const schema = testSchemaName();
    const stores = await Promise.all([openStore(schema), openStore(schema), openStore(schema)]);
    const schedulers = stores.map((store) => new PgScheduler(store.pool, { pollMs: 50 }));
    try {
      const now = Date.now();
      for (let i = 0; i < 300; i++) {
        await schedulers[i % 3]?.schedule({ runId: `run_${i}`, key: "sleep#1", kind: "wake", dueAt: now - 10 });
      }
      const delivered = new Map<string, number[]>();
      for (const [index, scheduler] of schedulers.entries()) {
        scheduler.start(async (timer) => {
          delivered.set(timer.runId, [...(delivered.get(timer.runId) ?? []), index]);
        });
      }
      const deadline = Date.now() + 10_000;
      while ((await schedulers[0]?.nextDue()) !== null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(delivered.size).toBe(300);
      expect([...delivered.values()].filter((by) => by.length !== 1)).toEqual([]);
    } finally {
      await Promise.all(schedulers.map((scheduler) => scheduler.stop()));
      await Promise.all(stores.map((store) => store.close()));
      await dropTestSchema(schema);
    }
  });

  it("a timer claimed by a process that died is delivered by another once the lease runs out", async () => {
    await requireTestDatabase();
    const schema = testSchemaName();
    const [dead, alive] = await Promise.all([openStore(schema), openStore(schema)]);
    const survivor = new PgScheduler(alive.pool, { pollMs: 50 });
    try {
      const killed = new PgScheduler(dead.pool);
      await killed.schedule({ runId: "run_a", key: "sleep#1", kind: "wake", dueAt: Date.now() - 10 });
      expect(await killed.claimDue(Date.now(), 10, 400)).toHaveLength(1);
      await dead.close();
      const delivered: { runId: string; attempt: number; at: number }[] = [];
      const started = Date.now();
      survivor.start(async (timer) => {
        delivered.push({ runId: timer.runId, attempt: timer.attempt, at: Date.now() });
      });
      const deadline = Date.now() + 5000;
      while (delivered.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(delivered).toHaveLength(1);
      expect(delivered[0]).toMatchObject({ runId: "run_a", attempt: 2 });
      expect((delivered[0]?.at ?? 0) - started).toBeLessThan(2000);
    } finally {
      await survivor.stop();
      await alive.close();
      await dropTestSchema(schema);
    }
  });
});
