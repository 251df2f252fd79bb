import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeRunStore } from "../conformance/index.js";
import { openSqliteStore } from "./sqlite-run-store.js";

describeRunStore("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-store-"));
  const path = join(dir, "keystroke.db");
  return {
    store: openSqliteStore(path),
    reopen: async () => openSqliteStore(path),
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
