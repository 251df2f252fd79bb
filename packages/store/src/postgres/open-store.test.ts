import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runEvents } from "../conformance/index.js";
import { isPostgresUrl, openStore } from "../open-store.js";
import { PostgresRunStore } from "./postgres-run-store.js";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "./test-database.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("openStore", () => {
  it("tells PostgreSQL URLs from SQLite paths", () => {
    expect(isPostgresUrl("postgres://u@h/db")).toBe(true);
    expect(isPostgresUrl("postgresql://u@h:5432/db")).toBe(true);
    expect(isPostgresUrl(".keystroke/keystroke.db")).toBe(false);
    expect(isPostgresUrl("sqlite:.keystroke/keystroke.db")).toBe(false);
  });

  it("opens PostgreSQL for a postgres:// URL and SQLite for a path", async () => {
    await requireTestDatabase();
    const schema = testSchemaName();
    cleanups.push(() => dropTestSchema(schema));
    const pg = await openStore(testDatabaseUrl, { schema });
    cleanups.push(() => pg.close());
    expect(pg).toBeInstanceOf(PostgresRunStore);
    const dir = mkdtempSync(join(tmpdir(), "keystroke-open-store-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const sqlite = await openStore(`sqlite:${join(dir, "k.db")}`);
    cleanups.push(() => sqlite.close());
    for (const store of [pg, sqlite]) {
      const batch = runEvents({ messages: ["either store"] });
      await store.append([batch]);
      expect((await store.listRuns({ search: "either" })).runs.map((r) => r.runId)).toEqual([batch.runId]);
    }
  });

  it("says where it could not connect, without the password", async () => {
    const error = await openStore("postgres://u:secret@127.0.0.1:1/nowhere").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "unavailable" });
    expect(String((error as Error).message)).toContain("127.0.0.1:1/nowhere");
    expect(String((error as Error).message)).not.toContain("secret");
  });
});
