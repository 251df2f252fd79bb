/**
 * Upgrading a SQLite store written before a migration: what it holds reads back as the new
 * schema would have written it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newEventId } from "@keystroke/core/ids";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { moreEvents, runEvents } from "../conformance/fixtures.js";
import { openSqliteStore } from "./sqlite-run-store.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Where a new store's file goes, in a folder removed after the test. */
function newStorePath(): string {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-migrate-"));
  dirs.push(dir);
  return join(dir, "keystroke.db");
}

const T0 = Date.parse("2026-11-02T00:00:00Z");
const said = (id: string, ms: number) => ({
  eventId: newEventId(),
  type: "message.added" as const,
  time: new Date(T0 + ms).toISOString(),
  message: { id, role: "user" as const, parts: [{ type: "text" as const, text: `said ${id}` }] },
});

describe("sqlite migration 10: a run's conversation in time order", () => {
  it("orders the messages of a store written before it by the time they were said", async () => {
    const path = newStorePath();
    const store = openSqliteStore(path);
    const batch = runEvents({ status: "running" });
    await store.append([batch]);
    await store.append([moreEvents(batch.runId, [said("second", 5_000), said("second-b", 5_000)])]);
    await store.append([moreEvents(batch.runId, [said("first", 1_000)])]);
    await store.close();

    // The messages table as schema 9 had it: in the order the messages came, without their times.
    const db = new Database(path);
    db.exec(`
      CREATE TABLE old_messages (
        run_no INTEGER NOT NULL, idx INTEGER NOT NULL, message_id TEXT NOT NULL, seq INTEGER NOT NULL,
        parts_added TEXT, PRIMARY KEY (run_no, idx)
      ) WITHOUT ROWID;
      INSERT INTO old_messages SELECT run_no, idx, message_id, seq, parts_added FROM messages;
      DROP TABLE messages;
      ALTER TABLE old_messages RENAME TO messages;
      CREATE UNIQUE INDEX messages_id ON messages (run_no, message_id);
      DELETE FROM schema_migrations WHERE version = 10;
    `);
    db.close();

    const upgraded = openSqliteStore(path);
    try {
      const view = await upgraded.getRun(batch.runId, { messages: {} });
      expect(view?.messages?.items.map((m) => [m.id, m.index])).toEqual([
        ["first", 2],
        ["second", 0],
        ["second-b", 1],
      ]);
      // What comes after the upgrade takes its place among them.
      await upgraded.append([moreEvents(batch.runId, [said("between", 3_000)])]);
      const after = await upgraded.getRun(batch.runId, { messages: {} });
      expect(after?.messages?.items.map((m) => m.id)).toEqual(["first", "between", "second", "second-b"]);
    } finally {
      await upgraded.close();
    }
  });
});

describe("sqlite migration 11: History's indexes in ascending order", () => {
  it("lists a store written with the descending indexes in the same order, page after page, and keeps filtering by them", async () => {
    const path = newStorePath();
    const store = openSqliteStore(path);
    // Twelve runs, three of them in the same millisecond (ordered by run id), every third failed.
    const at = (i: number) => T0 + (i < 3 ? 0 : i * 60_000);
    const batches = Array.from({ length: 12 }, (_, i) =>
      runEvents({ at: at(i), status: i % 3 === 0 ? "failed" : "success", slug: i % 2 === 0 ? "support" : "billing" }),
    );
    await store.append(batches);
    await store.close();

    // The indexes as schema 10 had them.
    const db = new Database(path);
    const descending = [
      ["runs_time", ""],
      ["runs_status", "status, "],
      ["runs_kind", "kind, "],
      ["runs_project", "project, "],
      ["runs_source", "source, "],
      ["runs_trigger", "trigger, "],
      ["runs_actor", "actor_id, "],
      ["runs_slug", "slug, "],
    ];
    for (const [name, lead] of descending) {
      db.exec(`DROP INDEX ${name}; CREATE INDEX ${name} ON runs (${lead}triggered_at DESC, run_id DESC)`);
    }
    db.exec("DELETE FROM schema_migrations WHERE version = 11");
    db.close();

    const newestFirst = [...batches]
      .sort((x, y) => at(batches.indexOf(y)) - at(batches.indexOf(x)) || (x.runId < y.runId ? 1 : -1))
      .map((b) => b.runId);
    const upgraded = openSqliteStore(path);
    try {
      const sqlOf = upgraded.db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?");
      for (const [name, lead] of descending) {
        expect((sqlOf.get(name) as { sql: string }).sql).toBe(
          `CREATE INDEX ${name} ON runs (${lead}triggered_at, run_id)`,
        );
      }

      // Page by page, newest first, ties by run id, as before the upgrade.
      const listed: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await upgraded.listRuns({}, { limit: 5, cursor });
        listed.push(...page.runs.map((r) => r.runId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(listed).toEqual(newestFirst);

      const failed = await upgraded.listRuns({ status: ["failed"] }, { limit: 50 });
      expect(failed.runs.map((r) => r.runId)).toEqual(
        newestFirst.filter((id) => batches.findIndex((b) => b.runId === id) % 3 === 0),
      );
      const billing = await upgraded.listRuns({ slug: ["billing"] }, { limit: 50 });
      expect(billing.runs.map((r) => r.runId)).toEqual(
        newestFirst.filter((id) => batches.findIndex((b) => b.runId === id) % 2 === 1),
      );
      // A filtered query walks its index, not every run.
      const plan = upgraded.db
        .prepare(
          "EXPLAIN QUERY PLAN SELECT run_no FROM runs WHERE status = ? ORDER BY triggered_at DESC, run_id DESC LIMIT 5",
        )
        .all("failed") as { detail: string }[];
      expect(plan.map((p) => p.detail).join(" | ")).toMatch(/USING COVERING INDEX runs_status \(status=\?\)$/);
    } finally {
      await upgraded.close();
    }
  });
});
