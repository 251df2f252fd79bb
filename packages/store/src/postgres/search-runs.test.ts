import { afterEach, describe, expect, it } from "vitest";
import { runEvents } from "../conformance/index.js";
import { openPostgresStore, type PostgresRunStore } from "./postgres-run-store.js";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "./test-database.js";

let store: PostgresRunStore | undefined;
let schema = "";
afterEach(async () => {
  await store?.close();
  if (schema) await dropTestSchema(schema);
  store = undefined;
  schema = "";
});

const DAY = 86_400_000;

describe("search without other filters", () => {
  it("pages common and rare words across months, newest first, like History order", async () => {
    await requireTestDatabase();
    schema = testSchemaName();
    store = await openPostgresStore({ connectionString: testDatabaseUrl, schema, maxConnections: 2 });
    const start = Date.parse("2025-09-20T00:00:00Z");
    // 40 runs over about three months; two share a trigger time, so run ids break the tie.
    const batches = Array.from({ length: 40 }, (_, i) =>
      runEvents({
        at: start + Math.floor(i / 2) * 4 * DAY + (i % 2 === 0 ? 0 : 1),
        messages: [`everyone says hello ${i % 7 === 0 ? "zebra" : "horse"}`, "and again hello"],
      }),
    );
    batches.push(runEvents({ at: start + 5 * DAY, messages: ["tie zebra"] }));
    batches.push(runEvents({ at: start + 5 * DAY, messages: ["tie zebra"] }));
    await store.append(batches);
    const byHistory = (wanted: (text: string) => boolean) =>
      batches
        .filter((b) => b.events.some((e) => e.type === "message.added" && wanted(JSON.stringify(e.message.parts))))
        .sort((a, b) => {
          const ta = Date.parse(a.events[0]?.time ?? "");
          const tb = Date.parse(b.events[0]?.time ?? "");
          return tb - ta || (a.runId < b.runId ? 1 : -1);
        })
        .map((b) => b.runId);
    for (const [search, wanted] of [
      ["hello", (t: string) => t.includes("hello")],
      ["zebra", (t: string) => t.includes("zebra")],
      ["hel*", (t: string) => t.includes("hello")],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listRuns({ search }, { cursor, limit: 3 });
        seen.push(...page.runs.map((r) => r.runId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen, search).toEqual(byHistory(wanted));
    }
  });
});

describe("search with other filters", () => {
  it("finds old matches of a filter past the newest 2,000 runs, paged whole in History order", async () => {
    await requireTestDatabase();
    schema = testSchemaName();
    store = await openPostgresStore({ connectionString: testDatabaseUrl, schema, maxConnections: 2 });
    const start = Date.parse("2025-10-01T00:00:00Z");
    // 60 old runs over two months, of two projects and two statuses, some asking for a refund;
    // then 2,100 newer runs of acme that fail and never say it, so the first step walks past them.
    const old = Array.from({ length: 60 }, (_, i) => ({
      batch: runEvents({
        at: start + i * DAY,
        project: i % 3 === 0 ? "beta" : "acme",
        status: i % 2 === 0 ? "failed" : "success",
        messages: [i % 4 === 1 ? "hello" : "I want a refund for my order"],
      }),
      i,
    }));
    const recent = Array.from({ length: 2100 }, (_, i) =>
      runEvents({ at: start + 70 * DAY + i * 1000, project: "acme", status: "failed", messages: ["hello again"] }),
    );
    for (let i = 0; i < recent.length; i += 500) await store.append(recent.slice(i, i + 500));
    await store.append(old.map((o) => o.batch));
    const expected = old
      .filter(({ i }) => i % 3 !== 0 && i % 2 === 0 && i % 4 !== 1)
      .map(({ batch }) => batch.runId)
      .reverse();
    expect(expected.length).toBeGreaterThan(10);
    for (const filter of [
      { search: "refund", project: ["acme"], status: ["failed" as const] },
      { search: "refund", project: ["acme"], status: ["failed" as const, "queued" as const] },
    ]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listRuns(filter, { cursor, limit: 7 });
        seen.push(...page.runs.map((r) => r.runId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen, JSON.stringify(filter)).toEqual(expected);
    }
    // A filter with fewer runs than the walk is searched whole by it.
    const beta = await store.listRuns({ search: "refund", project: ["beta"] }, { limit: 50 });
    expect(beta.runs.map((r) => r.runId)).toEqual(
      old
        .filter(({ i }) => i % 3 === 0 && i % 4 !== 1)
        .map(({ batch }) => batch.runId)
        .reverse(),
    );
  }, 60_000);
});
