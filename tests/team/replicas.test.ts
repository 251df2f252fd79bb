/**
 * The team server as it is deployed: three `keystroke serve` replicas and two `keystroke worker`
 * processes, real processes on one PostgreSQL database (a schema of its own). They start at once
 * and migrate the schema once; prompts and workflow runs sent to the replicas in turn are
 * answered; a run's live events reach followers on every replica whichever process executes it;
 * and a worker is killed with SIGKILL twenty times while it executes workflow steps, restarted
 * each time. Every run must finish successfully, no run may stay active, and — counted in the
 * effects file, where each step writes its idempotency key and the pid of the process that ran
 * it — a step's effect may repeat only when the process that first ran it was killed.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { assertBuilt, type ServeProcess, startServeProcess, startWorkerProcess } from "@keystroke/cli/testing";
import type { RunDetail, StoredEvent } from "@keystroke/core";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "@keystroke/store/testing";
import { KeystrokeClient } from "keystroke/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EFFECT_STEPS, writeTeamProject } from "./support/team-project.js";

const REPLICAS = 3;
const WORKERS = 2;
const KILLS = 20;
/** A short lease, so a killed worker's runs move on within seconds. */
const env = { KEYSTROKE_RUN_LEASE_MS: "1500" };
const FINISH_WITHIN_MS = 90_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function until<T>(condition: () => T | undefined | false | Promise<T | undefined | false>, ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) return undefined;
    await pause(25);
  }
}

interface Effect {
  key: string;
  pid: number;
}

function readEffects(file: string): Effect[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [key = "", pid = "0"] = line.split(" ");
      return { key, pid: Number(pid) };
    });
}

describe("three replicas and two workers on one PostgreSQL database", () => {
  let schema: string;
  let url: string;
  let dir: string;
  let effects: string;
  const replicas: ServeProcess[] = [];
  const workers: ServeProcess[] = [];
  let clients: KeystrokeClient[] = [];

  const startWorker = () =>
    startWorkerProcess(["--database-url", url, "--dir", dir, "--no-auth"], { env, timeoutMs: 30_000 });

  beforeAll(async () => {
    assertBuilt();
    await requireTestDatabase();
    schema = testSchemaName();
    url = `${testDatabaseUrl}?schema=${schema}`;
    dir = writeTeamProject();
    effects = join(dir, "effects.log");
    // All five at once: they race to create and migrate the new schema.
    const started = await Promise.all([
      ...range(REPLICAS).map(() =>
        startServeProcess(["--database-url", url, "--dir", dir, "--port", "0", "--no-auth"], 30_000, env),
      ),
      ...range(WORKERS).map(() => startWorker()),
    ]);
    replicas.push(...started.slice(0, REPLICAS));
    workers.push(...started.slice(REPLICAS));
    clients = replicas.map((replica) => new KeystrokeClient({ baseUrl: replica.url }));
  }, 60_000);

  afterAll(async () => {
    for (const p of [...replicas, ...workers]) p.child.kill("SIGTERM");
    await Promise.all([...replicas, ...workers].map((p) => Promise.race([p.exited, pause(10_000)])));
    for (const p of [...replicas, ...workers]) p.child.kill("SIGKILL");
    if (schema) await dropTestSchema(schema);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("started together, they migrated the new schema once and all serve it", async () => {
    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number; n: string }>(
        `SELECT version, count(*) AS n FROM ${schema}.schema_migrations GROUP BY version ORDER BY version`,
      );
      // Every migration of the store, each applied once.
      expect(rows.map((row) => row.version)).toEqual(rows.map((_, i) => i + 1));
      expect(rows.length).toBeGreaterThanOrEqual(5);
      expect(rows.every((row) => Number(row.n) === 1)).toBe(true);
    } finally {
      await client.end();
    }
    for (const replica of replicas) expect((await fetch(`${replica.url}/api/health`)).status).toBe(200);
    for (const p of [...replicas, ...workers]) expect(p.child.exitCode).toBeNull();
  });

  it("a run's live events reach followers on every replica, whichever process executes it", async () => {
    const { runId } = await (clients[1] as KeystrokeClient).runWorkflow("slow", {});
    const followers = clients.map(async (client) => {
      const seen: StoredEvent[] = [];
      const controller = new AbortController();
      for await (const event of client.streamEvents(runId, { signal: controller.signal })) {
        seen.push(event);
        if (event.type === "run.finished") break;
      }
      return seen;
    });
    // Followed before the run ended (it sleeps 1.5 s), so its end arrives live on each replica.
    const early = await (clients[0] as KeystrokeClient).getRun(runId);
    expect(early.run.status).not.toBe("success");
    const seen = await Promise.all(followers);
    const ids = seen.map((events) => events.map((e) => e.eventId));
    expect(seen.map((events) => events.at(-1)?.type)).toEqual(["run.finished", "run.finished", "run.finished"]);
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual(ids[0]);
  }, 30_000);

  it("prompts and runs sent in turn all finish; a worker killed -9 twenty times mid-step repeats no completed step", async () => {
    const answers = await Promise.all(
      range(6).map((i) =>
        (clients[i % REPLICAS] as KeystrokeClient).prompt("support", { message: `Where is order ${i}?` }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(range(6).map(() => "success"));

    const runIds: string[] = [];
    let next = 0;
    const startRuns = async (count: number) => {
      for (let i = 0; i < count; i++, next++) {
        const client = clients[next % REPLICAS] as KeystrokeClient;
        runIds.push((await client.runWorkflow("order", { effects, n: next })).runId);
      }
    };
    const activeCount = async () =>
      (
        await (clients[0] as KeystrokeClient).listRuns(
          { kind: ["workflow"], slug: ["order"], status: ["queued", "running", "sleeping"] },
          { limit: 100 },
        )
      ).runs.length;

    await startRuns(12);
    const killed = new Set<number>();
    let midStep = 0;
    for (let k = 0; k < KILLS; k++) {
      const slot = k % WORKERS;
      const worker = workers[slot] as ServeProcess;
      const pid = worker.child.pid as number;
      const before = readEffects(effects).filter((e) => e.pid === pid).length;
      // Wait until this worker is executing steps: it has just written an effect.
      const busy = await until(() => readEffects(effects).filter((e) => e.pid === pid).length > before, 5000);
      if (busy) midStep++;
      await pause((k * 37) % 120);
      worker.child.kill("SIGKILL");
      killed.add(pid);
      await worker.exited;
      workers[slot] = await startWorker();
      if ((await activeCount()) < 6) await startRuns(6);
    }

    const finished = await until(async () => {
      const runs = await Promise.all(
        runIds.map((runId) => (clients[next++ % REPLICAS] as KeystrokeClient).getRun(runId)),
      );
      return runs.every((view) => ["success", "failed", "canceled"].includes(view.run.status)) ? runs : undefined;
    }, FINISH_WITHIN_MS);
    expect(finished, "every run finished").toBeDefined();
    const runs = (finished ?? []).map((view) => view.run as RunDetail);
    expect(runs.filter((run) => run.status !== "success").map((run) => [run.runId, run.status, run.error])).toEqual([]);
    expect(await activeCount()).toBe(0);
    expect(midStep, "kills that landed while the worker executed steps").toBeGreaterThanOrEqual(KILLS / 2);

    const lines = readEffects(effects);
    const byKey = new Map<string, Effect[]>();
    for (const line of lines) byKey.set(line.key, [...(byKey.get(line.key) ?? []), line]);
    // Every step of every run left its effect.
    const missing = runIds.flatMap((runId) =>
      EFFECT_STEPS.map((step) => `${runId}:${step}`).filter((key) => !byKey.has(key)),
    );
    expect(missing).toEqual([]);
    // An effect repeats only because the process that first ran it was killed mid-step.
    const unexplained = [...byKey.entries()]
      .filter(([, effectsOfKey]) => effectsOfKey.slice(0, -1).some((e) => !killed.has(e.pid)))
      .map(([key, effectsOfKey]) => `${key}: ${effectsOfKey.map((e) => e.pid).join(", ")}`);
    expect(unexplained).toEqual([]);
    // The work was shared: steps ran on several processes, killed workers among them.
    const pids = new Set(lines.map((line) => line.pid));
    expect(pids.size).toBeGreaterThanOrEqual(3);
    expect([...pids].some((pid) => killed.has(pid))).toBe(true);
  }, 240_000);
});
