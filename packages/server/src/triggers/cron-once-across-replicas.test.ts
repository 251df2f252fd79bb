/**
 * Two servers over one PostgreSQL store and one trigger state, as replicas behind a load
 * balancer: both host the same every-second cron, both clocks wake at every tick, and each tick
 * starts exactly one run between them — none twice, none lost. Beside it a poll every second
 * (a duration, so each replica's own clock would drift apart) whose item counts its ticks: each
 * number is delivered once, in order. The target of both is an agent: its
 * session runs in the process that started it, so each server's overlap gate sees its runs end
 * (a workflow run may be executed by the other replica, which this test does not wire up).
 * A poll whose source takes longer than its period runs one tick at a time between them: each
 * tick reads the state the one before it committed.
 */
import { join } from "node:path";
import {
  openPostgresStore,
  openSqliteStore,
  PgTriggerStateStore,
  type PostgresRunStore,
  SqliteScheduler,
} from "@keystroke/store";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "@keystroke/store/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServer } from "../create-server.js";
import { hostProject } from "../projects/host-project.js";
import { triggerProject } from "../testing/trigger-project.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const everySecond = `import { defineCronSource } from "keystroke/trigger";
import { support } from "../agents/support.js";

export default defineCronSource({
  slug: "every-second", name: "Every second", description: "Ticks each second",
  schedule: "* * * * * *", timezone: "UTC",
}).attach({ agent: support, prompt: () => "Is my order on its way?" });
`;

const counter = `import { definePollSource } from "keystroke/trigger";
import { support } from "../agents/support.js";

export default definePollSource<{ n: number }, { n: number }>({
  slug: "counter", name: "Counter", description: "One new item per tick, numbered",
  schedule: "1s",
  run({ state, setState }) {
    const n = (state?.n ?? 0) + 1;
    setState({ n });
    return [{ n }];
  },
}).attach({ agent: support, prompt: (item) => \`Item \${item.n}\` });
`;

const slowCounter = `import { definePollSource } from "keystroke/trigger";
import { support } from "../agents/support.js";

export default definePollSource<{ n: number }, { n: number }>({
  slug: "slow-counter", name: "Slow counter", description: "Takes longer than its period",
  schedule: "1s",
  async run({ state, setState }) {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const n = (state?.n ?? 0) + 1;
    setState({ n });
    return [{ n }];
  },
}).attach({ agent: support, prompt: (item) => \`Item \${item.n}\` });
`;

/** A server on the shared store and trigger state; its scheduler (workflow timers) is its own file. */
async function startReplica(store: PostgresRunStore, state: PgTriggerStateStore, dir: string, name: string) {
  const timers = openSqliteStore(join(dir, ".keystroke", `${name}.sqlite`));
  const server = createServer({ store, scheduler: new SqliteScheduler(timers.db), triggers: { state } });
  const project = await hostProject(server, dir);
  return {
    server,
    close: async () => {
      project.close();
      await server.close();
      await timers.close();
    },
  };
}

describe("a scheduled tick across replicas", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeEach(requireTestDatabase);
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A project of these trigger files, a fresh schema, and two servers on it. */
  async function twoReplicas(files: Record<string, string>) {
    const project = triggerProject(files);
    cleanups.push(() => project.remove());
    const schema = testSchemaName();
    cleanups.push(() => dropTestSchema(schema));
    const store = await openPostgresStore({ connectionString: testDatabaseUrl, schema, maxConnections: 8 });
    cleanups.push(() => store.close());
    const state = new PgTriggerStateStore(store.pool);
    const replicas = await Promise.all(["a", "b"].map((name) => startReplica(store, state, project.dir, name)));
    return { store, state, replicas };
  }

  it("starts one run per tick between two servers sharing the store, and loses none", async () => {
    const { store, state, replicas } = await twoReplicas({ "every-second.ts": everySecond, "counter.ts": counter });
    const running = Date.now();
    await sleep(3600);
    const stopping = Date.now();
    await Promise.all(replicas.map((replica) => replica.close()));

    for (const { server } of replicas) expect(server.triggers.clockWakeups).toBeGreaterThanOrEqual(3);
    const { runs } = await store.listRuns({ actor: ["every-second:support"] }, { limit: 500 });
    const ticks = runs.map((run) => Date.parse((run.triggerValue as { tick: string }).tick));
    expect(new Set(ticks).size).toBe(ticks.length);
    // Every whole second both servers were up for (bar the last moments before they stopped) has its run.
    const first = Math.ceil(running / 1000) * 1000;
    const last = stopping - 250;
    const expected: number[] = [];
    for (let tick = first; tick <= last; tick += 1000) expected.push(tick);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(ticks.filter((tick) => tick >= first && tick <= last).sort((x, y) => x - y)).toEqual(expected);
    const deliveries = await state.deliveries("every-second:support", 100);
    expect(deliveries.map((d) => d.outcome)).toEqual(runs.map(() => "started"));

    const polled = await store.listRuns({ actor: ["counter:support"] }, { limit: 500 });
    const numbers = polled.runs.map((run) => (run.triggerValue as { n: number }).n).sort((x, y) => x - y);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    // One tick a second between them: the first at once (it never ticked), then one per second.
    const polling = stopping - Math.min(...polled.runs.map((run) => Date.parse(run.triggeredAt)));
    expect(numbers.length).toBeGreaterThanOrEqual(3);
    expect(numbers.length).toBeLessThanOrEqual(Math.floor(polling / 1000) + 2);
  }, 20_000);

  it("runs a poll slower than its period one tick at a time between two servers", async () => {
    const { store, state, replicas } = await twoReplicas({ "slow-counter.ts": slowCounter });
    await sleep(5200);
    await Promise.all(replicas.map((replica) => replica.close()));

    const { runs } = await store.listRuns({ actor: ["slow-counter:support"] }, { limit: 500 });
    const numbers = runs.map((run) => (run.triggerValue as { n: number }).n).sort((x, y) => x - y);
    // Each tick took 1.5 s: overlapping ticks would have read the same state and repeated a number.
    expect(numbers.length).toBeGreaterThanOrEqual(2);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    const record = (await state.get(["poll/slow-counter"])).get("poll/slow-counter");
    expect((record?.state as { n: number } | undefined)?.n).toBeGreaterThanOrEqual(numbers.length);
  }, 20_000);
});
