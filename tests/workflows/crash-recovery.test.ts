/**
 * Durable workflows, proven by counting effects: `keystroke dev` runs a project whose workflow
 * steps each append one line per execution to an effects file, and is killed with SIGKILL at
 * seeded random points — mid-step, after a step's effect but before its journal entry, between
 * steps, while runs sleep or wait Queued — and restarted on the same database, again and again.
 * Every run must then finish successfully, once, with every step's effect present once per
 * idempotency key, except a step a kill cut off, which ran again under the same key. A second
 * test stops the server gracefully while runs sleep and checks that they wake on time after the
 * restart, and that a run whose journal is longer than a page of events replays without running
 * a step again. A third kills the server while it wakes 400 sleepers due at once: the ones it had
 * claimed but not woken must wake right after the restart, not when its leases would run out.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { assertBuilt, type ServeProcess, startDevProcess } from "@keystroke/cli/testing";
import type { RunDetail, RunStatus, StoredStep } from "@keystroke/core";
import { KeystrokeClient } from "keystroke/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EFFECT_STEPS, ORDER_STEPS, writeEffectsProject } from "./support/effects-project.js";

const RUNS = 16;
const KILLS = 8;
const SEED = 0x5eed_0011;
/** No kill comes sooner than this after the server printed its URL. */
const STEADY_MS = 400;
/** The seeded pause before a kill, once its point is reached. */
const JITTER_MS = 150;
const FINISH_WITHIN_MS = 40_000;
/** Sleepers due at once, for the kill in the middle of waking them. */
const SLEEPERS = 400;
/** Steps of the run whose journal is longer than the store's page of 1,000 events. */
const MANY_STEPS = 600;
const ACTIVE: RunStatus[] = ["queued", "running", "sleeping", "waiting_on_hook"];

/** mulberry32: a small seeded PRNG, so the kill points are the same on every run of the test. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface EffectLine {
  key: string;
  attempt: number;
  /** Byte offset of the line in the file. */
  at: number;
}

function readEffects(file: string): EffectLine[] {
  if (!existsSync(file)) return [];
  const lines: EffectLine[] = [];
  let at = 0;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line) {
      const [key = "", attempt = ""] = line.split(" ");
      lines.push({ key, attempt: Number(attempt), at });
    }
    at += Buffer.byteLength(line) + 1;
  }
  return lines;
}

/** Every workflow run in History (all pages). */
async function historyRuns(client: KeystrokeClient, status?: RunStatus[]): Promise<RunDetail[]> {
  const runs: RunDetail[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listRuns({ kind: ["workflow"], ...(status ? { status } : {}) }, { limit: 200, cursor });
    runs.push(...(page.runs as RunDetail[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return runs;
}

/** True when every step that ran both before the kill at `boundary` and after it is journaled as finished. */
async function rerunsJournaled(client: KeystrokeClient, lines: EffectLine[], boundary: number): Promise<boolean> {
  const before = new Set(lines.filter((line) => line.at < boundary).map((line) => line.key));
  const again = new Set(lines.filter((line) => line.at >= boundary && before.has(line.key)).map((line) => line.key));
  for (const key of again) {
    const [runId = "", stepId] = key.split(":");
    const { steps } = await client.getRun(runId, { steps: true });
    if ((steps?.items ?? []).find((step) => step.stepId === stepId)?.status !== "success") return false;
  }
  return true;
}

async function stop(
  server: ServeProcess,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; signal: string | null }> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
  return server.exited;
}

describe("durable workflows across kill -9 and restarts", () => {
  const dirs: string[] = [];
  const servers: ServeProcess[] = [];
  const start = async (dir: string) => {
    const server = await startDevProcess(["--port", "0", "--no-watch"], { cwd: dir });
    servers.push(server);
    return server;
  };

  beforeAll(() => assertBuilt());
  afterAll(async () => {
    for (const server of servers) await stop(server, "SIGKILL");
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it(`runs each of ${RUNS} runs once, each effect once per key except where a kill cut a step off (${KILLS} kills)`, {
    timeout: 120_000,
  }, async () => {
    const dir = writeEffectsProject();
    dirs.push(dir);
    const effects = join(dir, "effects.log");
    const random = seeded(SEED);

    let server = await start(dir);
    let client = new KeystrokeClient({ baseUrl: server.url });
    const started: string[] = [];
    for (let n = 0; n < RUNS; n++) {
      const { runId } = await client.runWorkflow("order", { effects, n });
      started.push(runId);
    }

    // Kill k waits until the runs wrote about (k + 1) / (KILLS + 1) of their effects, at least
    // STEADY_MS after the server came up, and until each step the previous kill cut off that ran
    // again has been journaled (so no step is cut off twice); then a seeded pause lands it before,
    // inside or after some step.
    const total = RUNS * EFFECT_STEPS.length;
    /** Byte length of the effects file once each killed process was gone: where each kill falls among the lines. */
    const killedAt: number[] = [];
    let readyAt = Date.now();
    for (let kill = 0; kill < KILLS; kill++) {
      const target = Math.round(((kill + 1) / (KILLS + 1)) * total + (random() - 0.5) * 4);
      const waitUntil = Date.now() + 15_000;
      while (Date.now() < waitUntil) {
        const lines = readEffects(effects);
        const ready = Date.now() >= readyAt + STEADY_MS && lines.length >= target;
        if (ready && (await rerunsJournaled(client, lines, killedAt.at(-1) ?? 0))) break;
        await pause(20);
      }
      await pause(random() * JITTER_MS);
      expect(await stop(server, "SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
      killedAt.push(existsSync(effects) ? readFileSync(effects).length : 0);
      server = await start(dir);
      readyAt = Date.now();
      client = new KeystrokeClient({ baseUrl: server.url });
    }

    const deadline = Date.now() + FINISH_WITHIN_MS;
    let runs = await historyRuns(client);
    while (runs.some((run) => run.status !== "success") && Date.now() < deadline) {
      await pause(250);
      runs = await historyRuns(client);
    }

    // History: exactly the runs started, each once, each a success, none left active.
    expect(runs.map((run) => run.runId).sort()).toEqual([...started].sort());
    expect(runs.filter((run) => run.status !== "success").map((run) => [run.runId, run.status, run.error])).toEqual([]);
    expect(await historyRuns(client, ACTIVE)).toEqual([]);
    for (const runId of started) {
      const { run, steps } = await client.getRun(runId, { steps: true });
      const items = (steps?.items ?? []) as StoredStep[];
      expect(items.map((step) => [step.stepId, step.status])).toEqual(ORDER_STEPS.map((id) => [id, "success"]));
      const keys = EFFECT_STEPS.map((stepId) => `${runId}:${stepId}`);
      expect(run.output).toEqual({ n: started.indexOf(runId), keys });
    }

    // Effects: every step's key present; a key appears again only across a kill, at most one
    // step of a run per kill (a run executes one step at a time), and never more than twice.
    const lines = readEffects(effects);
    const byKey = new Map<string, EffectLine[]>();
    for (const line of lines) byKey.set(line.key, [...(byKey.get(line.key) ?? []), line]);
    const expectedKeys = started.flatMap((runId) => EFFECT_STEPS.map((stepId) => `${runId}:${stepId}`));
    expect([...byKey.keys()].sort()).toEqual([...expectedKeys].sort());
    const cutBy = new Map<string, number>(); // `${kill} ${runId}` → steps of that run the kill cut off
    for (const [key, seen] of byKey) {
      expect(seen.map((line) => line.attempt)).toEqual(seen.map((_, i) => i + 1));
      for (let i = 1; i < seen.length; i++) {
        const before = seen[i - 1] as EffectLine;
        const after = seen[i] as EffectLine;
        const kill = killedAt.findIndex((end) => end > before.at && end <= after.at);
        expect(kill, `${key} ran again with no kill between its runs`).toBeGreaterThanOrEqual(0);
        const cut = `${kill} ${key.split(":")[0]}`;
        cutBy.set(cut, (cutBy.get(cut) ?? 0) + 1);
      }
      expect(seen.length, `${key} ran ${seen.length} times`).toBeLessThanOrEqual(2);
    }
    for (const [cut, count] of cutBy) expect(count, `kill and run ${cut}`).toBe(1);

    const repeated = [...byKey.values()].filter((seen) => seen.length > 1).length;
    console.log(
      `${KILLS} kills, ${RUNS} runs, ${lines.length} effect lines for ${byKey.size} keys: ${repeated} step(s) cut off by a kill ran twice under the same key`,
    );
    expect(await stop(server, "SIGTERM")).toEqual({ code: 0, signal: null });
  });

  it("wakes a sleep that spans a graceful restart at once when it is due, or at its due time when it is not; a run longer than a page of events replays whole", {
    timeout: 60_000,
  }, async () => {
    const dir = writeEffectsProject();
    dirs.push(dir);
    const effects = join(dir, "effects.log");
    const spawnedAt = Date.now();
    const first = await start(dir);
    const startupMs = Date.now() - spawnedAt;
    const client = new KeystrokeClient({ baseUrl: first.url });
    // The late one must still be asleep when the second server is up: leave room for two startups.
    const lateMs = Math.max(6000, 2500 + 2.5 * startupMs);
    const due = await client.runWorkflow("nap", { ms: 2000 });
    const late = await client.runWorkflow("nap", { ms: lateMs });
    // Over 1,000 events (two per step): its replay must read every page of its journal.
    const many = await client.runWorkflow("many", { effects, steps: MANY_STEPS, ms: 2000 });
    const untilOf = async (runId: string) => {
      for (;;) {
        const { run } = await client.getRun(runId);
        if (run.status === "sleeping" && run.wait?.kind === "sleep") return Date.parse(run.wait.until);
        if (run.status !== "queued" && run.status !== "running") throw new Error(`${runId} is ${run.status}`);
        await pause(50);
      }
    };
    const dueAt = await untilOf(due.runId);
    const lateAt = await untilOf(late.runId);
    await untilOf(many.runId);
    expect(await stop(first, "SIGTERM")).toEqual({ code: 0, signal: null });

    await pause(Math.max(0, dueAt + 300 - Date.now()));
    const second = await start(dir);
    const readyAt = Date.now();
    expect(readyAt, "the second server came up after the late sleeper was due").toBeLessThan(lateAt - 500);
    const again = new KeystrokeClient({ baseUrl: second.url });
    const finished = async (runId: string, by: number) => {
      for (;;) {
        const { run } = await again.getRun(runId);
        if (run.status === "success") return run;
        if (Date.now() > by) throw new Error(`${runId} is still ${run.status}`);
        await pause(50);
      }
    };
    const wokeAt = async (runId: string, by: number) => ((await finished(runId, by)).output as { woke: number }).woke;
    const dueWoke = await wokeAt(due.runId, readyAt + 10_000);
    expect(dueWoke).toBeGreaterThanOrEqual(dueAt);
    expect(dueWoke - readyAt, "woke at once after the restart").toBeLessThan(1500);
    const lateWoke = await wokeAt(late.runId, lateAt + 10_000);
    expect(lateWoke).toBeGreaterThanOrEqual(lateAt);
    expect(lateWoke - lateAt, "woke at its due time").toBeLessThan(1500);
    console.log(
      `due before the restart: woke ${dueWoke - readyAt} ms after the server was up; due after: woke ${lateWoke - lateAt} ms after its time`,
    );

    const long = await finished(many.runId, Date.now() + 10_000);
    expect(long.stepCount).toBe(MANY_STEPS + 2);
    expect(long.lastSeq).toBeGreaterThan(2 * MANY_STEPS);
    const marks = readEffects(effects).map((line) => line.key);
    const keys = [...Array.from({ length: MANY_STEPS }, (_, i) => `mark#${i + 1}`), "done#1"];
    expect(marks).toEqual(keys.map((stepId) => `${many.runId}:${stepId}`));
    expect(await historyRuns(again, ACTIVE)).toEqual([]);
    expect(await stop(second, "SIGTERM")).toEqual({ code: 0, signal: null });
  });

  it(`wakes ${SLEEPERS} sleepers due at once promptly after a kill -9 in the middle of waking them`, {
    timeout: 90_000,
  }, async () => {
    const dir = writeEffectsProject();
    dirs.push(dir);
    const effects = join(dir, "effects.log");
    const first = await start(dir);
    const client = new KeystrokeClient({ baseUrl: first.url });
    const started: string[] = [];
    for (let n = 0; n < SLEEPERS; n += 20) {
      const batch = Array.from({ length: Math.min(20, SLEEPERS - n) }, () =>
        client.runWorkflow("wake", { effects, ms: 3000 }),
      );
      for (const { runId } of await Promise.all(batch)) started.push(runId);
    }
    let lastDue = 0;
    const asleepBy = Date.now() + 20_000;
    for (;;) {
      if (Date.now() > asleepBy) throw new Error("the sleepers did not all fall asleep");
      const sleeping = await historyRuns(client, ["sleeping"]);
      if (sleeping.length + readEffects(effects).length >= SLEEPERS) {
        const { run } = await client.getRun(started.at(-1) as string);
        if (run.wait?.kind === "sleep") lastDue = Date.parse(run.wait.until);
        if (lastDue || run.status === "success") break;
      }
      await pause(100);
    }
    expect(await stop(first, "SIGTERM")).toEqual({ code: 0, signal: null });
    await pause(Math.max(0, lastDue + 200 - Date.now()));

    // All due: the second server claims them at start and is killed while it wakes them.
    const before = readEffects(effects).length;
    const second = await start(dir);
    const wakingBy = Date.now() + 20_000;
    while (readEffects(effects).length === before && Date.now() < wakingBy) await pause(2);
    expect(await stop(second, "SIGKILL")).toEqual({ code: null, signal: "SIGKILL" });
    const wokenAtKill = readEffects(effects).length;
    expect(wokenAtKill, "the second server woke some sleepers").toBeGreaterThan(before);
    expect(wokenAtKill, "the kill came while sleepers were still being woken").toBeLessThan(SLEEPERS);

    const third = await start(dir);
    const readyAt = Date.now();
    const again = new KeystrokeClient({ baseUrl: third.url });
    let runs = await historyRuns(again);
    while (runs.some((run) => run.status !== "success") && Date.now() < readyAt + 20_000) {
      await pause(100);
      runs = await historyRuns(again);
    }
    // Were the killed process's leases kept, its claimed sleepers would wake only when they end (60 s).
    const doneMs = Date.now() - readyAt;
    console.log(
      `${SLEEPERS} sleepers: ${before} woke before the stop, ${wokenAtKill - before} before the kill; the rest finished ${doneMs} ms after the restart`,
    );
    expect(runs.map((run) => run.runId).sort()).toEqual([...started].sort());
    expect(runs.filter((run) => run.status !== "success").length).toBe(0);
    const lines = readEffects(effects);
    const counts = new Map<string, number>();
    for (const line of lines) counts.set(line.key, (counts.get(line.key) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(started.map((runId) => `${runId}:woke#1`).sort());
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    expect(await stop(third, "SIGTERM")).toEqual({ code: 0, signal: null });
  });
});
