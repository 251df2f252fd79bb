import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeScheduler } from "../conformance/scheduler.conformance.js";
import { openSqliteStore, type SqliteRunStore } from "../sqlite/sqlite-run-store.js";
import { SqliteScheduler } from "./sqlite-scheduler.js";

describeScheduler("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-scheduler-"));
  const path = join(dir, "keystroke.db");
  let store: SqliteRunStore = openSqliteStore(path);
  let scheduler = new SqliteScheduler(store.db);
  return {
    scheduler,
    reopen: async () => {
      await scheduler.stop();
      await store.close();
      store = openSqliteStore(path);
      scheduler = new SqliteScheduler(store.db);
      return scheduler;
    },
    destroy: async () => {
      await scheduler.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe("SqliteScheduler: one server per file", () => {
  it("delivers at once, after a restart, the timers a killed process had claimed but not handled", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keystroke-scheduler-"));
    const path = join(dir, "keystroke.db");
    try {
      const before = openSqliteStore(path);
      const killed = new SqliteScheduler(before.db);
      await killed.schedule({ runId: "run_a", key: "sleep#1", kind: "wake", dueAt: Date.now() - 1000 });
      expect(await killed.claimDue(Date.now(), 10, 60_000)).toHaveLength(1);
      await before.close();

      const after = openSqliteStore(path);
      const restarted = new SqliteScheduler(after.db);
      const delivered: string[] = [];
      restarted.start(async (timer) => {
        delivered.push(`${timer.runId} ${timer.key}`);
      });
      const deadline = Date.now() + 2000;
      while (delivered.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await restarted.stop();
      await after.close();
      expect(delivered).toEqual(["run_a sleep#1"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
