/**
 * The TriggerStateStore conformance suite: records patched and read back across a reopen, a
 * poll's state and its deliveries committed together, the delivery history bounded, the trigger
 * of a run found, a webhook signature accepted once, and a scheduled tick claimed once however
 * many callers race for it, and a poll's lease held by one process at a time.
 *
 * @example
 * describeTriggerStateStore("sqlite", async () => ({ triggers, reopen, destroy }));
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DELIVERY_HISTORY, TICK_MEMORY_MS, type TriggerStateStore } from "../triggers/trigger-state-store.js";

export interface TriggerStateUnderTest {
  triggers: TriggerStateStore;
  /** Closes the storage and opens it again, as a restarted process does. */
  reopen: () => Promise<TriggerStateStore>;
  destroy: () => Promise<void>;
}

export function describeTriggerStateStore(name: string, factory: () => Promise<TriggerStateUnderTest>): void {
  describe(`TriggerStateStore conformance: ${name}`, () => {
    let current: TriggerStateUnderTest | undefined;
    const under = (): TriggerStateUnderTest => {
      if (!current) throw new Error("trigger state used outside a test");
      return current;
    };
    beforeEach(async () => {
      current = await factory();
    });
    afterEach(async () => {
      await current?.destroy();
      current = undefined;
    });

    it("knows nothing of a trigger that never fired", async () => {
      expect((await under().triggers.get(["nightly:report"])).size).toBe(0);
    });

    it("keeps patched fields, and leaves the others, across a reopen", async () => {
      const { triggers } = under();
      await triggers.update([{ id: "nightly:report", patch: { nextFireAt: 1000, disabled: true } }]);
      await triggers.update([
        {
          id: "nightly:report",
          patch: { lastFireAt: 900, lastRunId: "run_1", lastError: { message: "boom", at: 950 } },
        },
      ]);
      const again = await under().reopen();
      const record = (await again.get(["nightly:report"])).get("nightly:report");
      expect(record).toEqual({
        id: "nightly:report",
        disabled: true,
        nextFireAt: 1000,
        lastFireAt: 900,
        lastRunId: "run_1",
        state: undefined,
        lastError: { message: "boom", at: 950 },
        failures: 0,
        leaseUntil: null,
      });
      await again.update([{ id: "nightly:report", patch: { disabled: false, lastError: null } }]);
      const cleared = (await again.get(["nightly:report"])).get("nightly:report");
      expect(cleared?.disabled).toBe(false);
      expect(cleared?.lastError).toBeNull();
      expect(cleared?.nextFireAt).toBe(1000);
    });

    it("commits a poll's state with the deliveries of its tick", async () => {
      const { triggers } = under();
      await triggers.update(
        [{ id: "poll:tickets", patch: { state: { cursor: 7 } } }],
        [
          { id: "tickets:triage", delivery: { at: 1, outcome: "started", runId: "run_a", reason: null } },
          { id: "tickets:triage", delivery: { at: 2, outcome: "filtered", runId: null, reason: "filter dropped it" } },
        ],
      );
      expect((await triggers.get(["poll:tickets"])).get("poll:tickets")?.state).toEqual({ cursor: 7 });
      expect(await triggers.deliveries("tickets:triage", 10)).toEqual([
        { at: 2, outcome: "filtered", runId: null, reason: "filter dropped it" },
        { at: 1, outcome: "started", runId: "run_a", reason: null },
      ]);
      expect(await triggers.triggerOfRun("run_a")).toBe("tickets:triage");
      expect(await triggers.triggerOfRun("run_other")).toBeUndefined();
      await triggers.update([{ id: "poll:tickets", patch: { state: null } }]);
      expect((await triggers.get(["poll:tickets"])).get("poll:tickets")?.state).toBeNull();
    });

    it(`keeps the newest ${DELIVERY_HISTORY} deliveries of a trigger`, async () => {
      const { triggers } = under();
      for (let i = 0; i < DELIVERY_HISTORY + 5; i++) {
        await triggers.update(
          [],
          [{ id: "a:b", delivery: { at: i, outcome: "skipped", runId: null, reason: "busy" } }],
        );
      }
      const kept = await triggers.deliveries("a:b", 1000);
      expect(kept).toHaveLength(DELIVERY_HISTORY);
      expect(kept[0]?.at).toBe(DELIVERY_HISTORY + 4);
      expect(kept.at(-1)?.at).toBe(5);
    });

    it("accepts a signature once until it expires", async () => {
      const { triggers } = under();
      expect(await triggers.claimSignature("sig-1", 2000, 1000)).toBe(true);
      expect(await triggers.claimSignature("sig-1", 2000, 1500)).toBe(false);
      expect(await triggers.claimSignature("sig-1", 4000, 2500)).toBe(true);
    });

    it("claims a tick of a trigger once, across a reopen; other ticks and triggers are their own", async () => {
      const { triggers } = under();
      const tick = Date.parse("2026-03-05T10:00:00Z");
      expect(await triggers.claimTick("nightly:report", tick)).toBe(true);
      expect(await triggers.claimTick("nightly:report", tick)).toBe(false);
      expect(await triggers.claimTick("nightly:report", tick + 1000)).toBe(true);
      expect(await triggers.claimTick("poll/tickets", tick)).toBe(true);
      const again = await under().reopen();
      expect(await again.claimTick("nightly:report", tick)).toBe(false);
      expect(await again.claimTick("poll/tickets", tick)).toBe(false);
    });

    it("leases a poll's tick to one process at a time, until it is committed or runs out", async () => {
      const { triggers } = under();
      const id = "poll/tickets";
      const now = Date.parse("2026-03-05T10:00:00Z");
      // The first tick ever: one of 20 racing claims takes it, the record is created.
      const first = await Promise.all(
        Array.from({ length: 20 }, () =>
          triggers.claimLease(id, { expected: null, next: now + 1000, leaseUntil: now + 60_000, now }),
        ),
      );
      expect(first.filter(Boolean)).toHaveLength(1);
      expect((await triggers.get([id])).get(id)).toMatchObject({ nextFireAt: now + 1000, leaseUntil: now + 60_000 });
      // The next tick is due, but the lease is live: nobody else takes it; its holder renews it.
      const later = now + 1500;
      const next = { expected: now + 1000, next: now + 2000, leaseUntil: later + 60_000, now: later };
      expect(await triggers.claimLease(id, next)).toBe(false);
      expect(await triggers.claimLease(id, { ...next, next: now + 1000, held: now + 60_000 })).toBe(true);
      // The commit clears the lease: the next claim that read this tick takes it, a stale one does not.
      await triggers.update([{ id, patch: { state: { cursor: 1 }, leaseUntil: null } }]);
      expect(await triggers.claimLease(id, { ...next, expected: now })).toBe(false);
      expect(await triggers.claimLease(id, next)).toBe(true);
      // A holder that died: its lease runs out and another process takes the tick after it.
      const expired = later + 60_000;
      const afterDeath = { expected: now + 2000, next: now + 3000, leaseUntil: expired + 60_000, now: expired - 1 };
      expect(await triggers.claimLease(id, afterDeath)).toBe(false);
      expect(await triggers.claimLease(id, { ...afterDeath, now: expired })).toBe(true);
      const again = await under().reopen();
      expect((await again.get([id])).get(id)).toMatchObject({
        nextFireAt: now + 3000,
        leaseUntil: expired + 60_000,
        state: { cursor: 1 },
      });
    });

    it("gives a tick to exactly one of 20 concurrent claims", async () => {
      const { triggers } = under();
      const tick = Date.parse("2026-03-05T10:00:01Z");
      const claims = await Promise.all(Array.from({ length: 20 }, () => triggers.claimTick("every:record", tick)));
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it("remembers a tick for a week after it, then may claim it again", async () => {
      const { triggers } = under();
      const tick = Date.parse("2026-03-05T10:00:00Z");
      expect(await triggers.claimTick("nightly:report", tick)).toBe(true);
      expect(await triggers.claimTick("weekly:report", tick + TICK_MEMORY_MS)).toBe(true);
      expect(await triggers.claimTick("nightly:report", tick)).toBe(false);
      expect(await triggers.claimTick("weekly:report", tick + TICK_MEMORY_MS + 1)).toBe(true);
      expect(await triggers.claimTick("nightly:report", tick)).toBe(true);
    });
  });
}
