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
