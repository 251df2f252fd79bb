import { newEventId } from "@keystroke/core/ids";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { moreEvents, runEvents } from "../conformance/index.js";
import { monthOf, monthStart, partitionMonth, partitionName } from "./partitions.js";
import { openPostgresStore, type PostgresRunStore } from "./postgres-run-store.js";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "./test-database.js";

beforeEach(requireTestDatabase);

let schema = "";
let stores: PostgresRunStore[] = [];
afterEach(async () => {
  await Promise.all(stores.map((store) => store.close()));
  stores = [];
  if (schema) await dropTestSchema(schema);
  schema = "";
});

async function open(): Promise<PostgresRunStore> {
  schema ||= testSchemaName();
  const store = await openPostgresStore({ connectionString: testDatabaseUrl, schema, maxConnections: 3 });
  stores.push(store);
  return store;
}

async function eventPartitions(store: PostgresRunStore): Promise<string[]> {
  const { rows } = await store.pool.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'events'::regclass ORDER BY 1",
  );
  return rows.map((row) => row.name);
}

describe("monthly partitions", () => {
  it("names months and their bounds in UTC", () => {
    const november = monthOf(Date.parse("2026-11-30T23:59:59.999Z"));
    expect(partitionName("events", november)).toBe("events_p2026_11");
    expect(monthStart(november)).toBe(Date.parse("2026-11-01T00:00:00Z"));
    expect(monthStart(november + 2)).toBe(Date.parse("2027-01-01T00:00:00Z"));
    expect(partitionMonth("events", "events_p2026_11")).toBe(november);
    expect(partitionMonth("events", "spans_p2026_11")).toBeUndefined();
  });

  it("creates a month's partitions when a run starts in it, once, even from two stores at once", async () => {
    const [a, b] = [await open(), await open()];
    const at = Date.parse("2024-02-10T12:00:00Z");
    const batches = Array.from({ length: 6 }, (_, i) => runEvents({ at: at + i, messages: [`old run ${i}`] }));
    await Promise.all(batches.map((batch, i) => (i % 2 ? a : b).append([batch])));
    expect(await eventPartitions(a)).toContain("events_p2024_02");
    const listed = await b.listRuns({ search: "old" });
    expect(listed.runs).toHaveLength(6);
  });

  it("drops whole months before a cutoff, with their runs, and keeps the rest", async () => {
    const store = await open();
    const old = runEvents({ at: Date.parse("2025-01-15T00:00:00Z"), messages: ["ancient refund"] });
    const kept = runEvents({ at: Date.parse("2025-03-01T00:00:00Z"), messages: ["recent refund"] });
    await store.append([old, kept]);
    const dropped = await store.dropMonthsBefore(Date.parse("2025-02-20T00:00:00Z"));
    expect(dropped).toEqual(["2025-01"]);
    expect(await eventPartitions(store)).not.toContain("events_p2025_01");
    expect(await store.getRun(old.runId)).toBeUndefined();
    expect((await store.listRuns({ search: "refund" })).runs.map((r) => r.runId)).toEqual([kept.runId]);
    // A run that arrives for a dropped month brings its partition back.
    const late = runEvents({ at: Date.parse("2025-01-20T00:00:00Z"), messages: ["late"] });
    await store.append([late]);
    await store.append([
      moreEvents(late.runId, [
        { eventId: newEventId(), type: "service.used", time: new Date().toISOString(), service: "s3" },
      ]),
    ]);
    expect((await store.getRun(late.runId))?.run.services).toEqual(["s3"]);
  });
});
