import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeIdentityStore } from "../conformance/identity.conformance.js";
import { openSqliteStore, type SqliteRunStore } from "../sqlite/sqlite-run-store.js";
import { SqliteIdentityStore } from "./sqlite-identity-store.js";

describeIdentityStore("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-identity-"));
  const path = join(dir, "keystroke.db");
  let store: SqliteRunStore = openSqliteStore(path);
  return {
    identity: new SqliteIdentityStore(store.db),
    reopen: async () => {
      await store.close();
      store = openSqliteStore(path);
      return new SqliteIdentityStore(store.db);
    },
    destroy: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
