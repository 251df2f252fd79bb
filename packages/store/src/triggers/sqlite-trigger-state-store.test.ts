import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeTriggerStateStore } from "../conformance/trigger-state.conformance.js";
import { openSqliteStore, type SqliteRunStore } from "../sqlite/sqlite-run-store.js";
import { SqliteTriggerStateStore } from "./sqlite-trigger-state-store.js";

describeTriggerStateStore("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-triggers-"));
  const path = join(dir, "keystroke.db");
  let store: SqliteRunStore = openSqliteStore(path);
  return {
    triggers: new SqliteTriggerStateStore(store.db),
    reopen: async () => {
      await store.close();
      store = openSqliteStore(path);
      return new SqliteTriggerStateStore(store.db);
    },
    destroy: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
