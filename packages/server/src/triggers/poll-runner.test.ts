import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore, SqliteTriggerStateStore, type TriggerStateStore } from "@keystroke/store";
import { definePollSource, type PollSource, type TriggerAttachment } from "keystroke/trigger";
import { defineWorkflow } from "keystroke/workflow";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { pollStateId, pollTick } from "./poll-runner.js";
import type { Outcome } from "./trigger-delivery.js";

const target = defineWorkflow({
  slug: "take",
  name: "Take",
  description: "Takes an item",
  input: z.object({ id: z.number() }),
  output: z.object({}),
  run: async () => ({}),
});

const feed = [{ id: 1 }, { id: 2 }, { id: 3 }];
const source = definePollSource<{ id: number }, { cursor: number }>({
  slug: "feed",
  name: "Feed",
  description: "Items after the cursor",
  schedule: "1m",
  run: ({ state, setState }) => {
    const fresh = feed.filter((item) => item.id > (state?.cursor ?? 0));
    if (fresh.length) setState({ cursor: fresh.at(-1)?.id ?? 0 });
    return fresh;
  },
});
const attachment = source.attach({ workflow: target }) as unknown as TriggerAttachment;
const poll = source as unknown as PollSource;

describe("a poll tick", () => {
  let dir: string;
  let close: () => Promise<void>;
  let state: TriggerStateStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "keystroke-poll-"));
    const store = openSqliteStore(join(dir, "keystroke.db"));
    state = new SqliteTriggerStateStore(store.db);
    close = () => store.close();
  });
  afterEach(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  const delivered: number[] = [];
  const deliver = async (_a: unknown, payload: unknown): Promise<Outcome> => {
    delivered.push((payload as { id: number }).id);
    return { id: attachment.id, delivery: { at: 0, outcome: "started", runId: "run_x", reason: null }, patch: {} };
  };

  it("commits the state only with its runs: a tick cut off before the commit is delivered again, nothing lost", async () => {
    delivered.length = 0;
    const failing: TriggerStateStore = Object.create(state);
    failing.update = async () => {
      throw new Error("killed before the commit");
    };
    await expect(pollTick({ state: failing, deliver }, poll, [attachment], null)).rejects.toThrow("killed");
    expect(delivered).toEqual([1, 2, 3]);
    expect((await state.get([pollStateId("feed")])).size).toBe(0);
    await pollTick({ state, deliver }, poll, [attachment], null);
    expect(delivered).toEqual([1, 2, 3, 1, 2, 3]);
    expect((await state.get([pollStateId("feed")])).get(pollStateId("feed"))?.state).toEqual({ cursor: 3 });
    await pollTick({ state, deliver }, poll, [attachment], null);
    expect(delivered).toHaveLength(6);
  });
});
