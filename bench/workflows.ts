/**
 * Durable workflows through the server's own pieces (createServer: its workflow runtime, ingest
 * queue and SQLite scheduler over a real SQLite store), each figure beside a baseline measured in
 * the same run:
 * - journaling overhead per step: a workflow of 200 `ctx.step` steps against the same 200
 *   functions called bare;
 * - replaying a 1,000-step run after a restart: every step journaled, the server stopped while
 *   the run executes, a new server on the same file resumes it — time from resume to finish;
 * - 10,000 sleepers due at once after a restart: runs that sleep 1 s are created on a server that
 *   then stops; a new server starts after they are due — time until all are success.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StoredEvent } from "@keystroke/core";
import { createServer, type KeystrokeServer, type LoadedProject } from "@keystroke/server";
import { openSqliteStore, type SqliteRunStore } from "@keystroke/store";
import type { KeystrokeConfig } from "keystroke/config";
import { defineWorkflow, type Workflow } from "keystroke/workflow";
import { z } from "zod";
import { heading, ms, percentile, progress, progressDone, table } from "./report.js";

const STEPS = 200;
const STEP_ROUNDS = 30;
const REPLAY_STEPS = 1000;
const REPLAY_ROUNDS = 5;
const SLEEPERS = 10_000;
const SLEEP_MS = 1000;
const CREATE_IN_FLIGHT = 200;

/** The work of step `i`: a little arithmetic and an object, what a small step returns. */
function work(i: number): { i: number; square: number } {
  return { i, square: i * i };
}

const steps = defineWorkflow({
  slug: "steps",
  name: "Steps",
  description: `${STEPS} steps`,
  input: z.object({}),
  output: z.object({ total: z.number() }),
  async run(_input, ctx) {
    let total = 0;
    for (let i = 0; i < STEPS; i++) total += (await ctx.step(`s${i % 10}`, () => work(i))).square;
    return { total };
  },
});

/** Whether the step after the journaled ones may finish; closed, it waits until the server stops. */
let gateOpen = false;
let reachedGate: (() => void) | undefined;

const long = defineWorkflow({
  slug: "long",
  name: "Long",
  description: `${REPLAY_STEPS} steps, then one that waits for the gate`,
  input: z.object({}),
  output: z.object({ total: z.number() }),
  async run(_input, ctx) {
    let total = 0;
    for (let i = 0; i < REPLAY_STEPS; i++) total += (await ctx.step(`s${i % 10}`, () => work(i))).square;
    await ctx.step("gate", (step) => {
      if (gateOpen) return true;
      reachedGate?.();
      return new Promise<boolean>((_resolve, reject) =>
        step.signal.addEventListener("abort", () => reject(new Error("stopped"))),
      );
    });
    return { total };
  },
});

const sleeper = defineWorkflow({
  slug: "sleeper",
  name: "Sleeper",
  description: "Sleeps, then takes one step",
  input: z.object({ ms: z.number() }),
  output: z.object({ woke: z.boolean() }),
  async run({ ms: sleepMs }, ctx) {
    await ctx.sleep(sleepMs);
    return { woke: await ctx.step("woke", () => true) };
  },
});

function project(workflows: Workflow[]): LoadedProject {
  return {
    dir: "",
    config: { organization: "bench", project: "bench" } as KeystrokeConfig,
    agents: new Map(),
    actions: new Map(),
    workflows: new Map(workflows.map((w) => [w.slug, w])),
    files: [],
    gateways: {},
  } as LoadedProject;
}

const hookSecret = new Uint8Array(32).fill(7);

/** A server over the SQLite file `dbPath`, hosting the bench's workflows; `run` starts its scheduler loop and recovery. */
function serverOn(dbPath: string): { store: SqliteRunStore; server: KeystrokeServer; close(): Promise<void> } {
  const store = openSqliteStore(dbPath);
  const server = createServer({ store, hookSecret, publicUrl: "http://127.0.0.1:0" });
  server.workflows.use(project([steps, long, sleeper]));
  return {
    store,
    server,
    async close() {
      await server.close();
      await store.close();
    },
  };
}

/** Every event of the run, page by page. */
async function readAll(store: SqliteRunStore, runId: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await store.readEvents(runId, events.at(-1)?.seq ?? 0, 1000);
    if (page.length === 0) return events;
    events.push(...page);
  }
}

async function runToSuccess(server: KeystrokeServer, slug: string, input: unknown): Promise<void> {
  const { runId } = await server.workflows.runtime.start(slug, input);
  const outcome = await server.workflows.runtime.outcome(runId);
  if (outcome.status !== "success")
    throw new Error(`bench run ${slug} ended ${outcome.status}: ${outcome.error.message}`);
}

async function bareSteps(count: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < count; i++) total += (await (async () => work(i))()).square;
  return total;
}

/** Per-step time of each arm from alternating rounds (median round). */
async function journalingOverhead(dir: string): Promise<{ bareMs: number; journaledMs: number }> {
  const { server, close } = serverOn(join(dir, "steps.db"));
  try {
    await server.workflows.startRuns();
    for (let i = 0; i < 5; i++) {
      await bareSteps(STEPS);
      await runToSuccess(server, "steps", {});
    }
    const bare: number[] = [];
    const journaled: number[] = [];
    for (let round = 0; round < STEP_ROUNDS; round++) {
      progress(`journaling: round ${round + 1} of ${STEP_ROUNDS}`);
      let start = performance.now();
      await bareSteps(STEPS);
      bare.push((performance.now() - start) / STEPS);
      start = performance.now();
      await runToSuccess(server, "steps", {});
      journaled.push((performance.now() - start) / STEPS);
    }
    progressDone();
    return { bareMs: percentile(bare, 50), journaledMs: percentile(journaled, 50) };
  } finally {
    await close();
  }
}

/** One round: run `long` to its gate on one server, stop it, resume on a new one; the times of each part. */
async function replayRound(dbPath: string): Promise<{ firstMs: number; replayMs: number; events: number }> {
  gateOpen = false;
  const first = serverOn(dbPath);
  await first.server.workflows.startRuns();
  const reached = new Promise<void>((resolve) => {
    reachedGate = resolve;
  });
  const started = performance.now();
  const { runId } = await first.server.workflows.runtime.start("long", {});
  await reached;
  const firstMs = performance.now() - started;
  await first.close();

  gateOpen = true;
  const second = serverOn(dbPath);
  try {
    const resumed = performance.now();
    const outcome = second.server.workflows.runtime.outcome(runId);
    await second.server.workflows.startRuns();
    const ended = await outcome;
    const replayMs = performance.now() - resumed;
    if (ended.status !== "success") throw new Error(`the replayed run ended ${ended.status}`);
    const events = await readAll(second.store, runId);
    const ran = events.filter((event) => event.type === "step.started" && !event.stepId.startsWith("gate")).length;
    if (ran !== REPLAY_STEPS) throw new Error(`${ran - REPLAY_STEPS} journaled steps ran again on replay`);
    return { firstMs, replayMs, events: events.length };
  } finally {
    await second.close();
  }
}

async function replay(dir: string): Promise<{ firstMs: number; replayMs: number; readMs: number; events: number }> {
  const rounds: { firstMs: number; replayMs: number; events: number }[] = [];
  for (let round = 0; round < REPLAY_ROUNDS; round++) {
    progress(`replay: round ${round + 1} of ${REPLAY_ROUNDS}`);
    rounds.push(await replayRound(join(dir, `replay-${round}.db`)));
  }
  progressDone();
  // Baseline: reading the same run's events back from the store, as the resume does first.
  const store = openSqliteStore(join(dir, `replay-${REPLAY_ROUNDS - 1}.db`));
  const reads: number[] = [];
  try {
    const runId = (await store.listRuns({ kind: ["workflow"] }, { limit: 1 })).runs[0]?.runId as string;
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      await readAll(store, runId);
      reads.push(performance.now() - start);
    }
  } finally {
    await store.close();
  }
  return {
    firstMs: percentile(
      rounds.map((r) => r.firstMs),
      50,
    ),
    replayMs: percentile(
      rounds.map((r) => r.replayMs),
      50,
    ),
    readMs: percentile(reads, 50),
    events: rounds[0]?.events ?? 0,
  };
}

/** Creates the sleepers on a server whose loop never starts (so none wakes there), stops it, and wakes them all on the next. */
async function sleepers(dir: string): Promise<{ createMs: number; wakeMs: number; firstMs: number }> {
  const dbPath = join(dir, "sleepers.db");
  const first = serverOn(dbPath);
  const runtime = first.server.workflows.runtime;
  const created = performance.now();
  const runIds: string[] = [];
  for (let n = 0; n < SLEEPERS; n += CREATE_IN_FLIGHT) {
    progress(`sleepers: created ${n} of ${SLEEPERS}`);
    const batch = Array.from({ length: Math.min(CREATE_IN_FLIGHT, SLEEPERS - n) }, () =>
      runtime.start("sleeper", { ms: SLEEP_MS }),
    );
    for (const { runId } of await Promise.all(batch)) runIds.push(runId);
  }
  await runtime.settled();
  const createMs = performance.now() - created;
  const sleeping = await first.store.listRuns({ kind: ["workflow"], status: ["sleeping"] }, { limit: 1 });
  if (!sleeping.runs.length) throw new Error("no sleeper is sleeping");
  await first.close();
  // Every sleep ends SLEEP_MS after its run reached it; wait until the last one is due.
  await new Promise((resolve) => setTimeout(resolve, SLEEP_MS + 100));

  progress("sleepers: waking");
  // The restart: open the file and build the server (timed), then the bench's own watch on every
  // run (not timed), then the scheduler loop and recovery until every run is success (timed).
  let restarted = performance.now();
  const second = serverOn(dbPath);
  const openMs = performance.now() - restarted;
  try {
    let done = 0;
    let firstMs = 0;
    const outcomes = runIds.map((runId) =>
      second.server.workflows.runtime.outcome(runId).then((outcome) => {
        if (outcome.status !== "success") throw new Error(`a sleeper ended ${outcome.status}`);
        if (++done === 1) firstMs = openMs + performance.now() - restarted;
        if (done % 500 === 0) progress(`sleepers: ${done} of ${SLEEPERS} finished`);
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    restarted = performance.now();
    await second.server.workflows.startRuns();
    await Promise.all(outcomes);
    const wakeMs = openMs + performance.now() - restarted;
    progressDone();
    return { createMs, wakeMs, firstMs };
  } finally {
    await second.close();
  }
}

export async function benchWorkflows(): Promise<void> {
  heading(
    `Durable workflows — server runtime, ingest queue and SQLite scheduler on a real SQLite file (${STEP_ROUNDS} alternating rounds, median)`,
  );
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-workflows-"));
  try {
    const journaling = await journalingOverhead(dir);
    const replayed = await replay(dir);
    const woke = await sleepers(dir);
    table([
      ["workflow", "baseline", "measured", "target"],
      [
        `journaling: ${STEPS} ctx.step steps, per step`,
        `${ms(journaling.bareMs)} (the function called bare)`,
        `${ms(journaling.journaledMs)} → overhead ${ms(journaling.journaledMs - journaling.bareMs)}`,
        "≤ 1 ms overhead",
      ],
      [
        `replay after a restart: ${REPLAY_STEPS} journaled steps (${replayed.events} events), resume → finish`,
        `${ms(replayed.firstMs)} first execution; ${ms(replayed.readMs)} reading its events`,
        ms(replayed.replayMs),
        "≤ 200 ms",
      ],
      [
        `${SLEEPERS.toLocaleString("en-US")} sleepers due at once: restart → all success`,
        `${(woke.createMs / 1000).toFixed(1)} s creating them (start → sleeping)`,
        `${(woke.wakeMs / 1000).toFixed(1)} s (first ${ms(woke.firstMs)}; ${ms(woke.wakeMs / SLEEPERS)} per run)`,
        "≤ 30 s",
      ],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
