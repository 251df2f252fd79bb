import type { RunSummary, StoredEvent } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import { type PublishedBatch, RunEventBus } from "./run-event-bus.js";

const batch = (runId: string, ...seqs: number[]): PublishedBatch => ({
  runId,
  events: seqs.map(
    (seq) => ({ runId, seq, eventId: `evt_${seq}`, type: "run.started", time: "2026-11-28T10:00:00Z" }) as StoredEvent,
  ),
  run: { runId, lastSeq: seqs.at(-1) ?? 0 } as RunSummary,
});

describe("RunEventBus", () => {
  it("delivers a run's batches to that run's subscribers only, and every batch to subscribers of all", () => {
    const bus = new RunEventBus();
    const a: number[] = [];
    const all: string[] = [];
    bus.subscribe("run_a", (b) => a.push(...b.events.map((e) => e.seq)));
    bus.subscribeAll((b) => all.push(`${b.runId}:${b.events.length}`));
    bus.publish(batch("run_a", 1, 2));
    bus.publish(batch("run_b", 1));
    bus.publish(batch("run_a", 3));
    expect(a).toEqual([1, 2, 3]);
    expect(all).toEqual(["run_a:2", "run_b:1", "run_a:1"]);
  });

  it("says whether anyone reads a run's events: a follower of it or of all runs, not a reader of rows only", () => {
    const bus = new RunEventBus();
    const rows: string[] = [];
    const stopRows = bus.subscribeAll((b) => rows.push(b.runId), { rowsOnly: true });
    expect(bus.wantsEvents("run_a")).toBe(false);
    const stopFollower = bus.subscribe("run_a", () => {});
    expect([bus.wantsEvents("run_a"), bus.wantsEvents("run_b")]).toEqual([true, false]);
    stopFollower();
    const stopAll = bus.subscribeAll(() => {});
    expect([bus.wantsEvents("run_a"), bus.wantsEvents("run_b")]).toEqual([true, true]);
    stopAll();
    stopAll();
    expect(bus.wantsEvents("run_b")).toBe(false);
    // A reader of rows still hears every batch.
    bus.publish(batch("run_b", 1));
    expect(rows).toEqual(["run_b"]);
    stopRows();
    expect(bus.wantsEvents("run_b")).toBe(false);
  });

  it("stops delivering after unsubscribe, one subscription at a time", () => {
    const bus = new RunEventBus();
    const seen: number[] = [];
    const listener = (b: PublishedBatch) => seen.push(b.events.length);
    const first = bus.subscribe("run_a", listener);
    const second = bus.subscribe("run_a", listener);
    const everything = bus.subscribeAll(listener);
    bus.publish(batch("run_a", 1));
    first();
    bus.publish(batch("run_a", 2));
    second();
    everything();
    bus.publish(batch("run_a", 3));
    expect(seen).toEqual([1, 1, 1, 1, 1]);
    expect(bus.listenerCount("run_a")).toBe(0);
    expect(bus.listenerCount()).toBe(0);
  });

  it("skips batches with no events", () => {
    const bus = new RunEventBus();
    let calls = 0;
    bus.subscribeAll(() => calls++);
    bus.publish(batch("run_a"));
    expect(calls).toBe(0);
  });

  it("keeps delivering to the others when a listener throws, and reports the error", () => {
    const errors: unknown[] = [];
    const bus = new RunEventBus({ onListenerError: (error) => errors.push(error) });
    const seen: string[] = [];
    bus.subscribe("run_a", () => {
      throw new Error("broken listener");
    });
    bus.subscribe("run_a", () => seen.push("run"));
    bus.subscribeAll(() => seen.push("all"));
    expect(() => bus.publish(batch("run_a", 1))).not.toThrow();
    expect(seen).toEqual(["run", "all"]);
    expect(errors.map((e) => (e as Error).message)).toEqual(["broken listener"]);
  });

  it("lets a listener unsubscribe itself while a batch is delivered", () => {
    const bus = new RunEventBus();
    const seen: string[] = [];
    const stop = bus.subscribe("run_a", () => {
      seen.push("once");
      stop();
    });
    bus.subscribe("run_a", () => seen.push("always"));
    bus.publish(batch("run_a", 1));
    bus.publish(batch("run_a", 2));
    expect(seen).toEqual(["once", "always", "always"]);
  });
});
