/**
 * The team server on PostgreSQL, beside the single SQLite server measured in the same run:
 * - HTTP ingest: the batches of the HTTP ingest benchmark POSTed by concurrent keep-alive clients
 *   to one SQLite server process (the baseline), to one replica on PostgreSQL, and to two
 *   replicas on one PostgreSQL database, the clients taking turns between them;
 * - claim-to-start latency of a queued workflow run: from its `run.created` to its `run.started`
 *   (the event times the processes stamped), one run at a time (an idle claimer woken by NOTIFY)
 *   and 500 at once, on SQLite (runs execute in the process that started them) and on two servers
 *   sharing PostgreSQL (the run executes on whichever claims it).
 * Needs the PostgreSQL of the tests (KEYSTROKE_TEST_DATABASE_URL, or 127.0.0.1:5432/test).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StoredEvent } from "@keystroke/core";
import { newRunId } from "@keystroke/core/ids";
import { createServer, type KeystrokeServer, type LoadedProject } from "@keystroke/server";
import { openPostgresStore, openSqliteStore, type RunStore } from "@keystroke/store";
import type { KeystrokeConfig } from "keystroke/config";
import { defineWorkflow } from "keystroke/workflow";
import pg from "pg";
import { z } from "zod";
import { BATCHES, post, sessionBodies, telemetryBodies, WARM_UP } from "./http-ingest.js";
import { fmtRate, heading, ms, percentile, progress, progressDone, rate, table, timeAsync } from "./report.js";
import { startServerProcess } from "./server-process.js";

const databaseUrl = process.env.KEYSTROKE_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const CLIENTS = 6;
const TIMED = BATCHES - WARM_UP;
const ONE_AT_A_TIME = 200;
const BURST = 500;

const schemaName = () => `ks_bench_${Math.random().toString(16).slice(2, 10)}`;

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** POSTs every body, `CLIENTS` at once, the clients taking turns between the servers. */
async function postAll(urls: readonly string[], bodies: readonly Buffer[]): Promise<void> {
  const agents = urls.map(() => new Agent({ keepAlive: true, maxSockets: CLIENTS }));
  let next = 0;
  const client = async (index: number) => {
    const url = urls[index % urls.length] as string;
    const agent = agents[index % urls.length] as Agent;
    while (next < bodies.length) await post(url, agent, bodies[next++] as Buffer);
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
  for (const agent of agents) agent.destroy();
}

/** Warms up and times the batches against servers in their own processes, one per location. */
async function ingestInto(locations: readonly string[], payloads: readonly string[]): Promise<number> {
  const servers = await Promise.all(locations.map((location) => startServerProcess(location)));
  try {
    const encoded = payloads.map((body) => Buffer.from(body));
    const urls = servers.map((server) => server.url);
    await postAll(urls, encoded.slice(0, WARM_UP));
    return (await timeAsync(() => postAll(urls, encoded.slice(WARM_UP)))).ms;
  } finally {
    for (const server of servers) server.child.kill("SIGTERM");
    await Promise.all(servers.map((server) => new Promise((resolve) => server.child.once("exit", resolve))));
  }
}

async function benchIngest(): Promise<void> {
  heading(`HTTP ingest on PostgreSQL: ${TIMED} batches of 500 events after ${WARM_UP} to warm up, ${CLIENTS} clients`);
  const rows: string[][] = [["event mix", "servers", "events", "time", "rate", "vs SQLite"]];
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-pg-"));
  try {
    for (const [mix, payloads] of [
      ["agent sessions", sessionBodies()],
      ["telemetry", telemetryBodies()],
    ] as const) {
      const events = TIMED * 500;
      progress(`${mix}: one SQLite server…`);
      const sqlite = await ingestInto([join(dir, `${mix}.db`)], payloads);
      const schemaOne = schemaName();
      const schemaTwo = schemaName();
      try {
        progress(`${mix}: one replica on PostgreSQL…`);
        const one = await ingestInto([`${databaseUrl}?schema=${schemaOne}`], payloads);
        progress(`${mix}: two replicas on PostgreSQL…`);
        // The second replica starts once the first has migrated the schema (they would take turns anyway).
        const two = await ingestInto(
          [`${databaseUrl}?schema=${schemaTwo}`, `${databaseUrl}?schema=${schemaTwo}`],
          payloads,
        );
        progressDone();
        for (const [servers, took] of [
          ["1 SQLite server (baseline)", sqlite],
          ["1 replica, PostgreSQL", one],
          ["2 replicas, one PostgreSQL", two],
        ] as const) {
          rows.push([
            mix,
            servers,
            String(events),
            `${took.toFixed(0)} ms`,
            fmtRate(rate(events, took), "events"),
            `${(sqlite / took).toFixed(2)}×`,
          ]);
        }
      } finally {
        await dropSchema(schemaOne);
        await dropSchema(schemaTwo);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  table(rows);
  console.log(
    "goal: ≥ 20,000 events/s with two replicas on PostgreSQL (this machine: 2 cores, shared by PostgreSQL, the replicas and the clients)",
  );
}

const noop = defineWorkflow({
  slug: "noop",
  name: "No-op",
  description: "One step",
  input: z.object({}),
  output: z.object({ one: z.number() }),
  async run(_input, ctx) {
    return { one: await ctx.step("one", () => 1) };
  },
});

const project = {
  dir: "",
  config: { organization: "bench", project: "bench" } as KeystrokeConfig,
  agents: new Map(),
  actions: new Map(),
  workflows: new Map([[noop.slug, noop]]),
  files: [],
  gateways: {},
} as unknown as LoadedProject;

/** Hosts the bench workflow on `store`; resolves once it claims runs. */
async function serve(store: RunStore): Promise<KeystrokeServer> {
  const server = createServer({ store, hookSecret: new Uint8Array(32).fill(9), publicUrl: "http://127.0.0.1:0" });
  await server.ready();
  server.workflows.use(project);
  await server.workflows.startRuns();
  return server;
}

/** Starts runs on `starter` and resolves with each one's created-to-started time, heard on its bus. */
async function claimToStart(starter: KeystrokeServer, count: number, atOnce: boolean): Promise<number[]> {
  const startOne = async (): Promise<number> => {
    const runId = newRunId();
    let created: number | undefined;
    const started = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`run ${runId} never started`)), 30_000);
      const unsubscribe = starter.bus.subscribe(runId, ({ events }) => {
        for (const event of events as readonly StoredEvent[]) {
          if (event.type === "run.created") created = Date.parse(event.time);
          if (event.type === "run.started") {
            clearTimeout(timer);
            unsubscribe();
            resolve(Date.parse(event.time));
          }
        }
      });
    });
    await starter.workflows.runtime.start("noop", {}, { runId });
    const at = await started;
    if (created === undefined) throw new Error(`run ${runId}: its run.created was not heard`);
    return at - created;
  };
  if (atOnce) return Promise.all(Array.from({ length: count }, startOne));
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) latencies.push(await startOne());
  return latencies;
}

async function benchClaimToStart(): Promise<void> {
  heading(`Claim-to-start of a queued workflow run: ${ONE_AT_A_TIME} one at a time, then ${BURST} at once`);
  const rows: string[][] = [["store", "runs", "mode", "p50", "p99", "max"]];
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-claims-"));
  const schema = schemaName();
  try {
    progress("SQLite: one server…");
    const sqliteStore = openSqliteStore(join(dir, "claims.db"));
    const sqlite = await serve(sqliteStore);
    const sqliteOne = await claimToStart(sqlite, ONE_AT_A_TIME, false);
    const sqliteBurst = await claimToStart(sqlite, BURST, true);
    await sqlite.close();
    await sqliteStore.close();

    progress("PostgreSQL: two servers sharing runs…");
    const stores = [
      await openPostgresStore({ connectionString: databaseUrl, schema }),
      await openPostgresStore({ connectionString: databaseUrl, schema }),
    ];
    const servers = [await serve(stores[0] as RunStore), await serve(stores[1] as RunStore)];
    const pgOne = await claimToStart(servers[0] as KeystrokeServer, ONE_AT_A_TIME, false);
    const pgBurst = await claimToStart(servers[0] as KeystrokeServer, BURST, true);
    for (const server of servers) await server.close();
    for (const store of stores) await store.close();
    progressDone();
    for (const [store, mode, samples] of [
      ["SQLite, 1 server (baseline)", "one at a time", sqliteOne],
      ["PostgreSQL, 2 servers", "one at a time", pgOne],
      ["SQLite, 1 server (baseline)", `${BURST} at once`, sqliteBurst],
      ["PostgreSQL, 2 servers", `${BURST} at once`, pgBurst],
    ] as const) {
      rows.push([
        store,
        String(samples.length),
        mode,
        ms(percentile(samples, 50)),
        ms(percentile(samples, 99)),
        ms(Math.max(...samples)),
      ]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropSchema(schema);
  }
  table(rows);
}

export async function benchPgTeam(): Promise<void> {
  await benchIngest();
  await benchClaimToStart();
}
