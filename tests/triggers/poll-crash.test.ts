/**
 * A poll source across kill -9, end to end: `keystroke dev` polls a JSON feed every second and
 * starts one workflow run per new item, its cursor in the poll's state. It is killed between
 * ticks and in the middle of a tick (inside `run()`), then restarted on the same database. No
 * item may be lost, an item of a committed tick is never delivered again, and the cursor ends
 * on the last item.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertBuilt, type ServeProcess, startDevProcess } from "@keystroke/cli/testing";
import type { RunSummary } from "@keystroke/core";
import { writeProjectFiles } from "@keystroke/server/testing";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const files: Record<string, string> = {
  "package.json": JSON.stringify({ name: "poll-crash", private: true, type: "module" }),
  "keystroke.config.ts": `import { defineConfig } from "keystroke/config";
export default defineConfig({ organization: "acme", project: "poll-crash" });
`,
  "src/workflows/deliver.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";

export const deliver = defineWorkflow({
  slug: "deliver", name: "Deliver", description: "Takes one feed item",
  input: z.object({ id: z.number() }), output: z.object({ id: z.number() }),
  async run({ id }) {
    return { id };
  },
});
`,
  "src/triggers/feed.ts": `import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { definePollSource } from "keystroke/trigger";
import { deliver } from "../workflows/deliver.js";

const at = (name: string) => new URL(\`../../\${name}\`, import.meta.url);

export default definePollSource<{ id: number }, { cursor: number }>({
  slug: "feed", name: "Feed", description: "New items of feed.json",
  schedule: "1s",
  async run({ state, setState }) {
    const items = (JSON.parse(readFileSync(at("feed.json"), "utf8")) as { id: number }[]).filter(
      (item) => item.id > (state?.cursor ?? 0),
    );
    if (existsSync(at("hold"))) {
      writeFileSync(at("tick-started"), String(items.length));
      await new Promise((resolve) => setTimeout(resolve, 60_000));
    }
    if (items.length) setState({ cursor: items[items.length - 1]!.id });
    return items;
  },
}).attach({ workflow: deliver, transform: (item) => ({ id: item.id }) });
`,
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await pause(50);
  }
}

describe("a poll source across kill -9", () => {
  let dir: string;
  let server: ServeProcess | undefined;
  const dbPath = () => join(dir, ".keystroke", "keystroke.db");
  const writeFeed = (ids: number[]) => writeFileSync(join(dir, "feed.json"), JSON.stringify(ids.map((id) => ({ id }))));

  /** The poll's committed cursor, read from the database file as another process would. */
  const cursor = (): number | undefined => {
    if (!existsSync(dbPath())) return undefined;
    const db = new Database(dbPath(), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("SELECT state FROM trigger_state WHERE id = 'poll/feed'").get() as
        | { state: string | null }
        | undefined;
      return row?.state ? (JSON.parse(row.state) as { cursor: number }).cursor : undefined;
    } catch {
      return undefined;
    } finally {
      db.close();
    }
  };

  /** How many runs each item id has, from History. */
  const deliveries = async (): Promise<Map<number, number>> => {
    const response = await fetch(`${server?.url}/api/history?actor=feed:deliver&limit=500`);
    const { runs } = (await response.json()) as { runs: RunSummary[] };
    const count = new Map<number, number>();
    for (const run of runs) {
      const id = (run.triggerValue as { id: number }).id;
      count.set(id, (count.get(id) ?? 0) + 1);
    }
    return count;
  };

  const start = async () => {
    server = await startDevProcess(["--port", "0", "--no-watch"], { cwd: dir });
  };
  const kill = async () => {
    server?.child.kill("SIGKILL");
    await server?.exited;
    server = undefined;
  };

  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), "keystroke-poll-crash-"));
    writeProjectFiles(dir, files);
  });
  afterAll(async () => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("loses no item and ends with the cursor on the last one", { timeout: 90_000 }, async () => {
    writeFeed([1, 2, 3]);
    await start();
    await until("the first tick's cursor", () => (cursor() === 3 ? true : undefined));
    expect(Object.fromEntries(await deliveries())).toEqual({ 1: 1, 2: 1, 3: 1 });

    // Between ticks: the cursor is committed, new items arrive while the server is dead.
    await kill();
    writeFeed([1, 2, 3, 4, 5]);
    await start();
    await until("items 4 and 5", () => (cursor() === 5 ? true : undefined));
    expect(Object.fromEntries(await deliveries())).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 });

    // Mid-tick: killed inside run(), after it read items 6 and 7 and before their runs exist.
    writeFileSync(join(dir, "hold"), "");
    writeFeed([1, 2, 3, 4, 5, 6, 7]);
    await until("a tick in flight", () => (existsSync(join(dir, "tick-started")) ? true : undefined));
    await kill();
    expect(cursor()).toBe(5);
    rmSync(join(dir, "hold"));
    await start();
    await until("items 6 and 7", () => (cursor() === 7 ? true : undefined));
    const counts = await deliveries();
    for (const id of [1, 2, 3, 4, 5]) expect(counts.get(id), `item ${id}`).toBe(1);
    for (const id of [6, 7]) expect(counts.get(id), `item ${id}`).toBeGreaterThanOrEqual(1);
    expect(cursor()).toBe(7);
  });
});
