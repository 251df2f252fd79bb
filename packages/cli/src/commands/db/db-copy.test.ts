import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { RunSummary } from "@keystroke/core";
import { startServer } from "@keystroke/server";
import { describeStore, openStore, type RunStore } from "@keystroke/store";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "@keystroke/store/testing";
import { KeystrokeClient } from "keystroke/client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { assertBuilt, runCli } from "../../testing/run-cli.js";
import { seedHistory } from "../../testing/seed-runs.js";
import { seedWorkflowRuns } from "../../testing/seed-workflow-runs.js";

async function allRuns(store: RunStore): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRuns({}, { limit: 1000, cursor });
    runs.push(...page.runs);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return runs;
}

/** `url` with the store's `?schema=` parameter. */
function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("schema", schema);
  return parsed.href;
}

async function readRuns(url: string): Promise<RunSummary[]> {
  const store = await openStore(url);
  try {
    return await allRuns(store);
  } finally {
    await store.close();
  }
}

describe("keystroke db copy", () => {
  let dir: string;
  let dbPath: string;
  let sourceRuns: RunSummary[];
  let sourceEvents: number;
  let schema: string;
  let targetUrl: string;
  let target: string;

  beforeAll(async () => {
    assertBuilt();
    await requireTestDatabase();
    dir = mkdtempSync(join(tmpdir(), "keystroke-db-copy-"));
    dbPath = join(dir, ".keystroke", "keystroke.db");
    // Recorded the way a running server records them: over its ingest API, into its SQLite file.
    const server = await startServer({ dbPath, port: 0 });
    const client = new KeystrokeClient({ baseUrl: server.url });
    await seedHistory(client);
    await seedWorkflowRuns(client);
    await server.close();
    sourceRuns = await readRuns(dbPath);
    sourceEvents = sourceRuns.reduce((sum, run) => sum + run.lastSeq, 0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(() => {
    schema = testSchemaName();
    targetUrl = withSchema(testDatabaseUrl, schema);
    target = describeStore(targetUrl);
  });
  afterEach(() => dropTestSchema(schema));

  const copy = (...flags: string[]) => runCli(["db", "copy", "--from", dbPath, "--to", targetUrl, ...flags]);

  it("copies every run into PostgreSQL, then finds them there on a second copy", async () => {
    expect(sourceRuns.length).toBeGreaterThanOrEqual(10);
    const first = await copy();
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      `Copied ${sourceRuns.length} runs, ${sourceEvents} events (0 already there) from ${dbPath} to ${target}\n`,
    );
    expect(target).toBe(`${describeStore(testDatabaseUrl)} (schema ${schema})`);
    expect(await readRuns(targetUrl)).toEqual(sourceRuns);

    const second = await copy("--json");
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual({
      from: dbPath,
      to: target,
      runs: sourceRuns.length,
      events: sourceEvents,
      skipped: sourceRuns.length,
      appended: 0,
      mismatches: [],
    });
  });

  it("fails naming the runs whose events differ after the copy", async () => {
    const [run] = sourceRuns;
    if (!run) throw new Error("no seeded run");
    const store = await openStore(targetUrl);
    const source = await openStore(dbPath);
    const events = (await source.readEvents(run.runId, 0)).map(({ runId, seq, ...event }) => event);
    await source.close();
    const extra = { eventId: "only-in-target", type: "service.used" as const, time: run.updatedAt, service: "extra" };
    await store.append([{ runId: run.runId, events: [...events, extra] }]);
    await store.close();

    const result = await copy();
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      `Error: Copied ${sourceRuns.length} runs, ${sourceEvents} events (0 already there) from ${dbPath} to ${target}, but 1 run differs: ${run.runId} (${run.lastSeq} events in the source, ${run.lastSeq + 1} in the target)`,
    );
    expect(result.stderr).toContain("Hint: Stop every server that writes to the source, then run the same command");
  });

  it("refuses a source that does not exist, and creates neither it nor the target", async () => {
    const missing = join(dir, "missing.db");
    const never = join(dir, "never.db");
    const result = await runCli(["db", "copy", "--from", missing, "--to", never]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Error: No Keystroke store at ${missing}: the file does not exist`);
    expect(result.stderr).toContain("Hint: Name the SQLite file a Keystroke server writes");
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(never)).toBe(false);
  });

  it("refuses a PostgreSQL source schema that holds no store", async () => {
    const never = join(dir, "never.db");
    const result = await runCli(["db", "copy", "--from", targetUrl, "--to", never]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Error: No Keystroke store at ${target}: schema ${schema} has no runs table`);
    expect(existsSync(never)).toBe(false);
  });

  it.each([
    [
      "one SQLite file however it is written",
      () => ["--from", dbPath, "--to", `sqlite:${relative(process.cwd(), dbPath)}`],
    ],
    [
      "one PostgreSQL database and schema, whoever connects",
      () => {
        const other = new URL(testDatabaseUrl);
        other.username = "someone";
        other.hostname = other.hostname === "localhost" ? "127.0.0.1" : "localhost";
        return ["--from", targetUrl, "--to", withSchema(other.href, schema)];
      },
    ],
  ])("refuses to copy a store into itself: %s", async (_name, args) => {
    const result = await runCli(["db", "copy", ...args()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Error: --from and --to name the same database");
    expect(result.stderr).toContain(
      "Hint: Copy into another database, or into another PostgreSQL schema with ?schema=<name> in --to",
    );
  });

  it("never prints the password of a URL", async () => {
    const result = await runCli([
      "db",
      "copy",
      "--from",
      dbPath,
      "--to",
      "postgres://keystroke:s3cret@127.0.0.1:1/nowhere",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Error: Cannot use PostgreSQL at 127.0.0.1:1/nowhere");
    expect(result.stderr).not.toContain("s3cret");
  });

  it.each([
    [["--from", "x.db"], "required option '--to <url|path>' not specified"],
    [["--from", "postgres://127.0.0.1/test?schema=Runs", "--to", "y.db"], 'Invalid schema name "Runs"'],
  ])("refuses %j", async (flags, message) => {
    const result = await runCli(["db", "copy", ...flags], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Error: ${message}`);
  });
});
