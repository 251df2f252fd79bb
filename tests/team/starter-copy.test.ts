/**
 * Moving the starter's store to PostgreSQL and back with `keystroke db copy`, as a team switching
 * servers would: the starter project records its example prompts (`dev --seed`'s seeding: agent
 * sessions, a failed one, a follow-up, workflow runs finished, sleeping and waiting on a hook) into
 * a SQLite file; the built CLI copies it into a fresh PostgreSQL schema, then from there into a
 * new SQLite file. History reads the same on all three — every run's row and its whole detail —
 * and a `keystroke serve` on each store answers the History API alike.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  assertBuilt,
  readSeedFile,
  recordSeedPrompts,
  runCli,
  type ServeProcess,
  startServeProcess,
} from "@keystroke/cli/testing";
import type { RunSummary } from "@keystroke/core";
import { startServer } from "@keystroke/server";
import { openStore, type RunStore } from "@keystroke/store";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "@keystroke/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const starter = fileURLToPath(new URL("../../examples/starter", import.meta.url));
const ALL = { messages: { limit: 1000 }, spans: { limit: 1000 }, logs: { limit: 1000 }, steps: { limit: 1000 } };

async function allRuns(store: RunStore): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRuns({}, { limit: 200, cursor });
    runs.push(...page.runs);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return runs;
}

/** What History shows of a store: every row, in order, and every run's whole detail. */
async function history(location: string): Promise<{ rows: RunSummary[]; details: unknown[] }> {
  const store = await openStore(location);
  try {
    const rows = await allRuns(store);
    const details = await Promise.all(rows.map((row) => store.getRun(row.runId, ALL)));
    return { rows, details };
  } finally {
    await store.close();
  }
}

describe("db copy round-trips the starter's store through PostgreSQL", () => {
  let dir: string;
  let schema: string;
  let original: string;
  let postgres: string;
  let back: string;

  beforeAll(async () => {
    assertBuilt();
    await requireTestDatabase();
    dir = mkdtempSync(join(tmpdir(), "keystroke-starter-copy-"));
    schema = testSchemaName();
    original = join(dir, "starter.db");
    postgres = `${testDatabaseUrl}?schema=${schema}`;
    back = join(dir, "back.db");
    // The starter picks a real model when a provider key is set; the examples need the demo model.
    const running = await startServer({
      dbPath: original,
      port: 0,
      projectDir: starter,
      agents: { env: {} },
    });
    try {
      const statuses = await recordSeedPrompts(
        running.server,
        readSeedFile(join(starter, "seed-prompts.json")),
        () => {},
      );
      expect(statuses).toContain("failed");
      expect(statuses).toContain("waiting_on_hook");
    } finally {
      await running.close();
    }
  }, 60_000);

  afterAll(async () => {
    if (schema) await dropTestSchema(schema);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("copies SQLite → PostgreSQL → SQLite; History reads the same on all three", async () => {
    const there = await runCli(["db", "copy", "--from", original, "--to", postgres]);
    expect(there.code, there.stderr).toBe(0);
    expect(there.stdout).toMatch(/^Copied \d+ runs, \d+ events/);
    const home = await runCli(["db", "copy", "--from", postgres, "--to", back]);
    expect(home.code, home.stderr).toBe(0);

    const before = await history(original);
    expect(before.rows.length).toBeGreaterThanOrEqual(10);
    const onPostgres = await history(postgres);
    const afterwards = await history(back);
    expect(onPostgres.rows).toEqual(before.rows);
    expect(onPostgres.details).toEqual(before.details);
    expect(afterwards.rows).toEqual(before.rows);
    expect(afterwards.details).toEqual(before.details);
  }, 60_000);

  it("a server on each store answers the History API alike", async () => {
    const servers: ServeProcess[] = await Promise.all([
      startServeProcess(["--port", "0", "--db", original, "--no-auth"]),
      startServeProcess(["--port", "0", "--database-url", postgres, "--no-auth"]),
    ]);
    try {
      const read = async (path: string) =>
        Promise.all(servers.map(async (server) => (await fetch(`${server.url}${path}`)).json()));
      const [sqliteList, pgList] = await read("/api/history?limit=100");
      expect(pgList).toEqual(sqliteList);
      const runIds = (sqliteList as { runs: RunSummary[] }).runs.map((run) => run.runId);
      for (const runId of runIds) {
        const [fromSqlite, fromPostgres] = await read(`/api/history/${runId}?include=messages,spans,logs,steps`);
        expect(fromPostgres).toEqual(fromSqlite);
      }
      const [sqliteSearch, pgSearch] = await read("/api/history?q=refund&limit=100");
      expect((pgSearch as { runs: RunSummary[] }).runs.map((run) => run.runId)).toEqual(
        (sqliteSearch as { runs: RunSummary[] }).runs.map((run) => run.runId),
      );
      expect((sqliteSearch as { runs: RunSummary[] }).runs.length).toBeGreaterThan(0);
    } finally {
      for (const server of servers) server.child.kill("SIGTERM");
      await Promise.all(servers.map((server) => server.exited));
    }
  }, 60_000);
});
