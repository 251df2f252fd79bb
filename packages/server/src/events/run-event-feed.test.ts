import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseIngestBatch, type RunEventInput, type StoredEvent } from "@keystroke/core";
import { openSqliteStore, type RunStore } from "@keystroke/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCreated, serviceEvents } from "../testing/run-events.js";
import { RunEventBus } from "./run-event-bus.js";
import { followRunEvents, REPLAY_PAGE } from "./run-event-feed.js";

let dir: string;
let store: RunStore;
let bus: RunEventBus;
let runId: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "keystroke-feed-"));
  store = openSqliteStore(join(dir, "keystroke.db"));
  bus = new RunEventBus();
  const created = runCreated();
  runId = created.runId;
  await append([created.event, ...serviceEvents(4)]);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function append(events: RunEventInput[]) {
  const [result] = await store.append([parseIngestBatch({ runId, events })]);
  if (result === undefined) throw new Error("no result");
  return { runId, events: result.events, run: result.run };
}

function collect(afterSeq: number, source: RunStore = store) {
  const received: number[] = [];
  const errors: unknown[] = [];
  const feed = followRunEvents({
    store: source,
    bus,
    runId,
    afterSeq,
    send: (events: readonly StoredEvent[]) => {
      received.push(...events.map((e) => e.seq));
    },
    onError: (error) => errors.push(error),
  });
  return { received, errors, feed };
}

/** The store, with a hook that runs while the first replay page is being read. */
function duringFirstRead(hook: () => Promise<void>): RunStore {
  let first = true;
  return Object.assign(Object.create(store) as RunStore, {
    readEvents: async (id: string, after: number, limit?: number) => {
      const page = await store.readEvents(id, after, limit);
      if (first) {
        first = false;
        await hook();
      }
      return page;
    },
  });
}

describe("followRunEvents", () => {
  it("replays the stored events after afterSeq, then sends published ones", async () => {
    const { received, feed } = collect(2);
    await expect.poll(() => received).toEqual([3, 4, 5]);
    bus.publish(await append(serviceEvents(2)));
    await expect.poll(() => received).toEqual([3, 4, 5, 6, 7]);
    feed.stop();
  });

  it("sends a batch committed while the replay reads the store", async () => {
    const source = duringFirstRead(async () => {
      bus.publish(await append(serviceEvents(2)));
    });
    const { received, feed } = collect(0, source);
    await expect.poll(() => received).toEqual([1, 2, 3, 4, 5, 6, 7]);
    feed.stop();
  });

  it("sends once an event that is both in the replay and published after subscribing", async () => {
    const late = await append(serviceEvents(2));
    const source = duringFirstRead(async () => bus.publish(late));
    const { received, feed } = collect(0, source);
    await expect.poll(() => received).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toEqual([1, 2, 3, 4, 5, 6, 7]);
    feed.stop();
  });

  it("sends nothing at or below afterSeq, even from a live batch that spans it", async () => {
    const source = duringFirstRead(async () => {
      bus.publish(await append(serviceEvents(4)));
    });
    const { received, feed } = collect(7, source);
    await expect.poll(() => received).toEqual([8, 9]);
    feed.stop();
  });

  it("fills a gap from the store when batches are published out of order", async () => {
    const { received, feed } = collect(0);
    await expect.poll(() => received).toHaveLength(5);
    const first = await append(serviceEvents(2));
    const second = await append(serviceEvents(2));
    bus.publish(second);
    bus.publish(first);
    await expect.poll(() => received).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    feed.stop();
  });

  it("replays a run longer than one page in order", async () => {
    await append(serviceEvents(REPLAY_PAGE + 10));
    const { received, feed } = collect(0);
    await expect.poll(() => received.length).toBe(5 + REPLAY_PAGE + 10);
    expect(received).toEqual(Array.from({ length: received.length }, (_, i) => i + 1));
    feed.stop();
  });

  it("sends nothing more and leaves the bus once stopped", async () => {
    const { received, feed } = collect(0);
    await expect.poll(() => received).toHaveLength(5);
    feed.stop();
    expect(bus.listenerCount(runId)).toBe(0);
    bus.publish(await append(serviceEvents(1)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toHaveLength(5);
  });

  it("reports a failing store once and stops", async () => {
    const broken = Object.assign(Object.create(store) as RunStore, {
      readEvents: async () => {
        throw new Error("disk I/O error");
      },
    });
    const { errors } = collect(0, broken);
    await expect.poll(() => errors.map((e) => (e as Error).message)).toEqual(["disk I/O error"]);
    expect(bus.listenerCount(runId)).toBe(0);
  });
});
