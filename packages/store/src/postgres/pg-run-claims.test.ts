/**
 * Run claims on one database, as replicas and workers share them: each requested run executes in
 * one process at a time, a request during an execution runs it once more afterwards, a holder
 * that dies loses the run when its lease runs out, a cancel reaches the holder, and a process that
 * stops hands its runs back at once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { PgRunClaims, type PgRunClaimsOptions } from "./pg-run-claims.js";
import { openPostgresStore, type PostgresRunStore } from "./postgres-run-store.js";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "./test-database.js";

type End = "done" | "cut" | "retry";

interface Process {
  store: PostgresRunStore;
  claims: PgRunClaims;
  executions: string[];
  canceled: string[];
  lost: string[];
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Not reached within ${ms} ms`);
    await pause(10);
  }
}

describe("PgRunClaims", () => {
  let schema: string | undefined;
  const processes: Process[] = [];

  afterEach(async () => {
    for (const p of processes.splice(0)) {
      await p.claims.stop().catch(() => undefined);
      await p.store.close();
    }
    if (schema) await dropTestSchema(schema);
    schema = undefined;
  });

  async function spawn(
    execute: (runId: string, p: Process) => Promise<End>,
    options: Partial<PgRunClaimsOptions> = {},
  ): Promise<Process> {
    await requireTestDatabase();
    schema ??= testSchemaName();
    const store = await openPostgresStore({ connectionString: testDatabaseUrl, schema, maxConnections: 4 });
    const claims = new PgRunClaims(store.pool, {
      connectionString: testDatabaseUrl,
      schema,
      leaseMs: 600,
      pollMs: 100,
      ...options,
    });
    const p: Process = { store, claims, executions: [], canceled: [], lost: [] };
    claims.start({
      execute: (runId) => {
        p.executions.push(runId);
        return execute(runId, p);
      },
      cancel: (runId) => p.canceled.push(runId),
      lost: (runId) => p.lost.push(runId),
    });
    processes.push(p);
    return p;
  }

  const rows = async (p: Process) =>
    (await p.store.pool.query<{ run_id: string }>("SELECT run_id FROM run_work ORDER BY run_id")).rows.map(
      (r) => r.run_id,
    );

  it("executes each of 200 requested runs once across three processes, then forgets them", async () => {
    const execute = async () => {
      await pause(2);
      return "done" as const;
    };
    const all = [await spawn(execute), await spawn(execute), await spawn(execute)];
    for (let i = 0; i < 200; i++) await all[i % 3]?.claims.request(`run_${i}`);
    await eventually(async () => (await rows(all[0] as Process)).length === 0);
    const executed = all.flatMap((p) => p.executions);
    expect(executed).toHaveLength(200);
    expect(new Set(executed).size).toBe(200);
  });

  it("a request while the run executes runs it once more afterwards, never twice at once", async () => {
    let release: (() => void) | undefined;
    let concurrent = 0;
    let maxConcurrent = 0;
    const execute = async () => {
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      concurrent--;
      return "done" as const;
    };
    const a = await spawn(execute);
    const b = await spawn(execute);
    await a.claims.request("run_a");
    await eventually(() => release !== undefined);
    await b.claims.request("run_a");
    await a.claims.request("run_a");
    await pause(300);
    expect(a.executions.length + b.executions.length).toBe(1);
    release?.();
    await eventually(() => a.executions.length + b.executions.length === 2);
    release?.();
    await eventually(async () => (await rows(a)).length === 0);
    expect(maxConcurrent).toBe(1);
    // A request that only makes sure one is pending adds no execution to a held run.
    release = undefined;
    await a.claims.request("run_b");
    await eventually(() => release !== undefined);
    await b.claims.request("run_b", { again: false });
    (release as (() => void) | undefined)?.();
    await eventually(async () => (await rows(a)).length === 0);
    expect([...a.executions, ...b.executions].filter((id) => id === "run_b")).toHaveLength(1);
  });

  it("a holder that stops renewing (killed) loses the run to another process after its lease", async () => {
    const dying = await spawn(() => new Promise<End>(() => undefined));
    await dying.claims.request("run_a");
    await eventually(() => dying.executions.length === 1);
    // As kill -9 would: its connections go, nothing is handed back.
    await dying.store.pool.end();
    processes.splice(processes.indexOf(dying), 1);
    const started = Date.now();
    const survivor = await spawn(async () => "done");
    await eventually(() => survivor.executions.length === 1, 5000);
    expect(survivor.executions).toEqual(["run_a"]);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("passes a cancel to the process holding the run; a run nobody holds is not 'held'", async () => {
    let release: (() => void) | undefined;
    const holder = await spawn(
      () =>
        new Promise<End>((resolve) => {
          release = () => resolve("done");
        }),
    );
    await holder.claims.request("run_a");
    await eventually(() => release !== undefined);
    // Started once the holder has the run, so it cannot claim it first.
    const other = await spawn(async () => "done");
    expect(await other.claims.requestCancel("run_b")).toBe(false);
    expect(await other.claims.isHeld("run_a")).toBe(true);
    expect(await other.claims.requestCancel("run_a")).toBe(true);
    await eventually(() => holder.canceled.length === 1);
    expect(holder.canceled).toEqual(["run_a"]);
    release?.();
    await eventually(async () => !(await other.claims.isHeld("run_a")));
  });

  it("a process that stops hands its runs back at once; a 'retry' waits a moment", async () => {
    const first = await spawn(async () => "cut", { leaseMs: 60_000 });
    await first.claims.request("run_a");
    await eventually(() => first.executions.length >= 1);
    await first.claims.stop();
    const second = await spawn(async () => "done", { leaseMs: 60_000 });
    await eventually(() => second.executions.length === 1, 3000);
    await second.claims.stop();

    let tries = 0;
    const retrying = await spawn(async () => (++tries === 1 ? "retry" : "done"));
    const asked = Date.now();
    await retrying.claims.request("run_b");
    await eventually(() => tries === 2, 5000);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(900);
  });
});
