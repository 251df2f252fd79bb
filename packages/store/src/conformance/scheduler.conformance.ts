/**
 * The Scheduler conformance suite. Every scheduler implementation runs it against real storage:
 * timers (schedule, move, unschedule, claim with a lease, complete, fail and re-deliver), the
 * delivery loop, and hooks (created once, taken once, expired, used).
 *
 * @example
 * describeScheduler("sqlite", async () => {
 *   const store = openSqliteStore(path);
 *   return { scheduler: new SqliteScheduler(store.db), reopen: …, destroy: … };
 * });
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DueTimer, HookInput, Scheduler, TimerInput } from "../scheduler/scheduler.js";

export interface SchedulerUnderTest {
  scheduler: Scheduler;
  /** Closes the storage and opens it again, as a restarted process does; the new scheduler. */
  reopen: () => Promise<Scheduler>;
  /** Stops the loop, closes the storage and removes it; called after each test. */
  destroy: () => Promise<void>;
}

export type SchedulerFactory = () => Promise<SchedulerUnderTest>;

/** A fixed time far from now, so claims at explicit times never race the clock. */
const T = Date.UTC(2031, 0, 1);
const LEASE = 30_000;

const timer = (runId: string, key: string, dueAt: number, kind: TimerInput["kind"] = "wake"): TimerInput => ({
  runId,
  key,
  kind,
  dueAt,
});

const hook = (tokenHash: string, overrides: Partial<HookInput> = {}): HookInput => ({
  tokenHash,
  runId: "run_h",
  stepId: `hook#${tokenHash}`,
  expiresAt: null,
  schema: null,
  ...overrides,
});

const ids = (timers: DueTimer[]) => timers.map((t) => `${t.runId}/${t.key}`);

/** Resolves with what `condition` returns once it is truthy; rejects after `ms`. */
async function eventually<T>(condition: () => T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Not reached within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function describeScheduler(name: string, factory: SchedulerFactory): void {
  describe(`Scheduler conformance: ${name}`, () => {
    let current: SchedulerUnderTest | undefined;
    beforeEach(async () => {
      current = await factory();
    });
    afterEach(async () => {
      await current?.destroy();
      current = undefined;
    });
    const get = () => {
      if (!current) throw new Error("scheduler used outside a test");
      return current;
    };

    describe("timers", () => {
      it("schedules, moves and unschedules timers; nextDue is the earliest", async () => {
        const { scheduler } = get();
        expect(await scheduler.nextDue()).toBeNull();
        await scheduler.schedule(timer("run_a", "sleep#1", T + 300));
        await scheduler.schedule(timer("run_b", "sleep#1", T + 100));
        await scheduler.schedule(timer("run_b", "hook#1", T + 200, "hook_timeout"));
        expect(await scheduler.nextDue()).toBe(T + 100);

        // Scheduling the same (run, key) again moves it: still one timer.
        await scheduler.schedule(timer("run_b", "sleep#1", T + 500));
        expect(await scheduler.nextDue()).toBe(T + 200);
        expect(ids(await scheduler.claimDue(T + 1000, 10, LEASE))).toEqual([
          "run_b/hook#1",
          "run_a/sleep#1",
          "run_b/sleep#1",
        ]);
      });

      it("unschedules one timer of a run by key, or all of them", async () => {
        const { scheduler } = get();
        await scheduler.schedule(timer("run_a", "sleep#1", T + 100));
        await scheduler.schedule(timer("run_a", "hook#1", T + 200, "hook_timeout"));
        await scheduler.schedule(timer("run_b", "sleep#1", T + 300));
        await scheduler.unschedule("run_a", "sleep#1");
        expect(await scheduler.nextDue()).toBe(T + 200);
        await scheduler.unschedule("run_a");
        expect(await scheduler.nextDue()).toBe(T + 300);
        await scheduler.unschedule("run_b", "no-such-key");
        expect(ids(await scheduler.claimDue(T + 1000, 10, LEASE))).toEqual(["run_b/sleep#1"]);
      });

      it("claims only due timers, earliest first, up to the limit, with their kind and due time", async () => {
        const { scheduler } = get();
        await scheduler.schedule(timer("run_c", "sleep#1", T + 30));
        await scheduler.schedule(timer("run_a", "sleep#1", T + 10));
        await scheduler.schedule(timer("run_b", "hook#1", T + 20, "hook_timeout"));
        await scheduler.schedule(timer("run_d", "sleep#1", T + 5000));
        expect(await scheduler.claimDue(T, 10, LEASE)).toEqual([]);

        const first = await scheduler.claimDue(T + 25, 10, LEASE);
        expect(first).toEqual([
          { runId: "run_a", key: "sleep#1", kind: "wake", dueAt: T + 10, attempt: 1 },
          { runId: "run_b", key: "hook#1", kind: "hook_timeout", dueAt: T + 20, attempt: 1 },
        ]);
        const limited = await scheduler.claimDue(T + 6000, 1, LEASE);
        expect(ids(limited)).toEqual(["run_c/sleep#1"]);
        expect(ids(await scheduler.claimDue(T + 6000, 10, LEASE))).toEqual(["run_d/sleep#1"]);
      });

      it("leases what it claims: not claimed again until the lease runs out, then again with attempt 2", async () => {
        const { scheduler } = get();
        await scheduler.schedule(timer("run_a", "sleep#1", T));
        expect(ids(await scheduler.claimDue(T, 10, LEASE))).toEqual(["run_a/sleep#1"]);
        expect(await scheduler.claimDue(T + 1, 10, LEASE)).toEqual([]);
        expect(await scheduler.claimDue(T + LEASE - 1, 10, LEASE)).toEqual([]);
        // The loop wakes when the lease runs out, to deliver it again.
        expect(await scheduler.nextDue()).toBe(T + LEASE);
        const again = await scheduler.claimDue(T + LEASE, 10, LEASE);
        expect(again).toEqual([{ runId: "run_a", key: "sleep#1", kind: "wake", dueAt: T, attempt: 2 }]);
      });

      it("complete removes a claimed timer", async () => {
        const { scheduler } = get();
        await scheduler.schedule(timer("run_a", "sleep#1", T));
        const [claimed] = await scheduler.claimDue(T, 10, LEASE);
        await scheduler.complete(claimed as DueTimer);
        expect(await scheduler.nextDue()).toBeNull();
        expect(await scheduler.claimDue(T + 10 * LEASE, 10, LEASE)).toEqual([]);
      });

      it("complete keeps a timer that was rescheduled while its handler ran", async () => {
        const { scheduler } = get();
        await scheduler.schedule(timer("run_a", "sleep#1", T));
        await scheduler.schedule(timer("run_b", "sleep#1", T));
        const claimed = await scheduler.claimDue(T, 10, LEASE);
        // Meanwhile run_a's wait moves later and run_b's is set again for the same time.
        await scheduler.schedule(timer("run_a", "sleep#1", T + 1000));
        await scheduler.schedule(timer("run_b", "sleep#1", T));
        for (const due of claimed) await scheduler.complete(due);

        expect(await scheduler.nextDue()).toBe(T);
        expect(await scheduler.claimDue(T + 1000, 10, LEASE)).toEqual([
          { runId: "run_b", key: "sleep#1", kind: "wake", dueAt: T, attempt: 1 },
          { runId: "run_a", key: "sleep#1", kind: "wake", dueAt: T + 1000, attempt: 1 },
        ]);
      });

      it("fail re-delivers the timer at retryAt with the next attempt", async () => {
        const { scheduler } = get();
        await scheduler.schedule(timer("run_a", "hook#1", T, "hook_timeout"));
        const [claimed] = await scheduler.claimDue(T, 10, LEASE);
        await scheduler.fail(claimed as DueTimer, T + 2000);
        expect(await scheduler.nextDue()).toBe(T + 2000);
        expect(await scheduler.claimDue(T + 1999, 10, LEASE)).toEqual([]);
        const [second] = await scheduler.claimDue(T + 2000, 10, LEASE);
        expect(second).toMatchObject({ runId: "run_a", key: "hook#1", kind: "hook_timeout", attempt: 2 });
        await scheduler.fail(second as DueTimer, T + 5000);
        expect((await scheduler.claimDue(T + 5000, 10, LEASE))[0]?.attempt).toBe(3);
      });

      it("a timer scheduled again after a failure starts over at attempt 1", async () => {
        const { scheduler } = get();
        await scheduler.schedule(timer("run_a", "sleep#1", T));
        const [claimed] = await scheduler.claimDue(T, 10, LEASE);
        await scheduler.fail(claimed as DueTimer, T + 100);
        await scheduler.schedule(timer("run_a", "sleep#1", T + 50));
        expect(await scheduler.claimDue(T + 50, 10, LEASE)).toEqual([
          { runId: "run_a", key: "sleep#1", kind: "wake", dueAt: T + 50, attempt: 1 },
        ]);
      });
    });

    describe("the delivery loop", () => {
      it("delivers a timer due in ~100 ms within a bounded time, once, then removes it", async () => {
        const { scheduler } = get();
        const delivered: { timer: DueTimer; at: number }[] = [];
        scheduler.start(async (due) => {
          delivered.push({ timer: due, at: Date.now() });
        });
        const dueAt = Date.now() + 100;
        await scheduler.schedule(timer("run_a", "sleep#1", dueAt));
        const [first] = await eventually(() => (delivered.length > 0 ? delivered : undefined), 2000);
        expect(first?.timer).toMatchObject({ runId: "run_a", key: "sleep#1", kind: "wake", attempt: 1 });
        expect(first?.at).toBeGreaterThanOrEqual(dueAt);
        expect(first?.at).toBeLessThan(dueAt + 1000);
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(delivered).toHaveLength(1);
        expect(await scheduler.nextDue()).toBeNull();
      });

      it("re-arms for a timer due earlier than the one it sleeps for", async () => {
        const { scheduler } = get();
        const delivered: string[] = [];
        scheduler.start(async (due) => {
          delivered.push(due.runId);
        });
        await scheduler.schedule(timer("run_late", "sleep#1", Date.now() + 30_000));
        // Let the loop arm itself for the late timer first.
        await new Promise((resolve) => setTimeout(resolve, 30));
        const started = Date.now();
        await scheduler.schedule(timer("run_soon", "sleep#1", started + 100));
        await eventually(() => delivered.includes("run_soon"), 2000);
        expect(Date.now() - started).toBeLessThan(1500);
        expect(delivered).toEqual(["run_soon"]);
        expect(await scheduler.nextDue()).toBeGreaterThan(started + 20_000);
      });

      it("delivers a timer already due when the loop starts", async () => {
        const { scheduler } = get();
        await scheduler.schedule(timer("run_a", "sleep#1", Date.now() - 1000));
        const delivered: string[] = [];
        scheduler.start(async (due) => {
          delivered.push(due.runId);
        });
        await eventually(() => delivered.length === 1, 2000);
        expect(delivered).toEqual(["run_a"]);
      });

      it("delivers a timer whose handler failed again later, with the next attempt", async () => {
        const { scheduler } = get();
        const attempts: number[] = [];
        scheduler.start(async (due) => {
          attempts.push(due.attempt);
          if (due.attempt === 1) throw new Error("handler failed");
        });
        await scheduler.schedule(timer("run_a", "sleep#1", Date.now()));
        await eventually(() => attempts.length >= 1, 2000);
        // The failed timer waits for its retry rather than being delivered in a loop.
        expect(await scheduler.nextDue()).toBeGreaterThan(Date.now());
        await eventually(() => attempts.length >= 2, 5000);
        expect(attempts).toEqual([1, 2]);
      });

      it("delivers nothing after stop", async () => {
        const { scheduler } = get();
        const delivered: string[] = [];
        scheduler.start(async (due) => {
          delivered.push(due.runId);
        });
        await scheduler.stop();
        await scheduler.schedule(timer("run_a", "sleep#1", Date.now() + 20));
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(delivered).toEqual([]);
        expect(await scheduler.nextDue()).not.toBeNull();
      });
    });

    describe("hooks", () => {
      it("records a hook once: creating the same token again changes nothing", async () => {
        const { scheduler } = get();
        const schema = { type: "object", properties: { approved: { type: "boolean" } } };
        await scheduler.createHook(hook("h1", { runId: "run_a", stepId: "hook#1", expiresAt: T, schema }));
        await scheduler.createHook(hook("h1", { runId: "run_a", stepId: "hook#1", expiresAt: T + 5, schema: null }));
        expect(await scheduler.findHook("h1")).toMatchObject({
          tokenHash: "h1",
          runId: "run_a",
          stepId: "hook#1",
          expiresAt: T,
          schema,
          usedAt: null,
          outcome: null,
        });
        expect(await scheduler.findHook("nope")).toBeUndefined();
      });

      it("takeHook: the first caller wins, the second finds it used", async () => {
        const { scheduler } = get();
        await scheduler.createHook(hook("h1", { runId: "run_a", stepId: "hook#1" }));
        const [first, second] = await Promise.all([
          scheduler.takeHook("h1", { approved: true }, T),
          scheduler.takeHook("h1", { approved: false }, T + 1),
        ]);
        expect(first).toMatchObject({ status: "taken", hook: { runId: "run_a", usedAt: T, outcome: "resumed" } });
        expect(second).toMatchObject({ status: "used", hook: { usedAt: T, outcome: "resumed" } });
        expect(await scheduler.findHook("h1")).toMatchObject({ usedAt: T, outcome: "resumed" });
        expect(await scheduler.usedHooks("run_a")).toEqual([{ stepId: "hook#1", payload: { approved: true } }]);
      });

      it("takeHook: an expired hook is 'expired' and stays unused; an unknown one is 'missing'", async () => {
        const { scheduler } = get();
        await scheduler.createHook(hook("h1", { expiresAt: T + 100 }));
        expect((await scheduler.takeHook("h1", {}, T + 100)).status).toBe("expired");
        expect((await scheduler.takeHook("h1", {}, T + 5000)).status).toBe("expired");
        expect(await scheduler.findHook("h1")).toMatchObject({ usedAt: null });
        expect(await scheduler.takeHook("nope", {}, T)).toEqual({ status: "missing" });
        // Before it expires it can be taken.
        await scheduler.createHook(hook("h2", { expiresAt: T + 100 }));
        expect((await scheduler.takeHook("h2", null, T + 99)).status).toBe("taken");
      });

      it("expireHook marks an unused hook timed out once; false for a used one", async () => {
        const { scheduler } = get();
        await scheduler.createHook(hook("h1", { runId: "run_a", stepId: "hook#1", expiresAt: T }));
        await scheduler.createHook(hook("h2", { runId: "run_a", stepId: "hook#2", expiresAt: T }));
        expect(await scheduler.expireHook("run_a", "hook#1")).toBe(true);
        expect(await scheduler.expireHook("run_a", "hook#1")).toBe(false);
        expect(await scheduler.findHook("h1")).toMatchObject({ outcome: "timeout" });
        expect((await scheduler.findHook("h1"))?.usedAt).not.toBeNull();
        expect((await scheduler.takeHook("h1", {}, T - 1)).status).toBe("used");

        expect((await scheduler.takeHook("h2", { ok: 1 }, T - 1)).status).toBe("taken");
        expect(await scheduler.expireHook("run_a", "hook#2")).toBe(false);
        expect(await scheduler.findHook("h2")).toMatchObject({ outcome: "resumed" });
        expect(await scheduler.expireHook("run_a", "hook#9")).toBe(false);
      });

      it("usedHooks lists only the run's hooks resumed with a body, with that body", async () => {
        const { scheduler } = get();
        await scheduler.createHook(hook("h1", { runId: "run_a", stepId: "hook#1" }));
        await scheduler.createHook(hook("h2", { runId: "run_a", stepId: "hook#2" }));
        await scheduler.createHook(hook("h3", { runId: "run_a", stepId: "hook#3" }));
        await scheduler.createHook(hook("h4", { runId: "run_b", stepId: "hook#1" }));
        await scheduler.takeHook("h1", { approved: true, by: "Ada" }, T);
        await scheduler.takeHook("h2", null, T);
        await scheduler.expireHook("run_a", "hook#3");
        await scheduler.takeHook("h4", "other run", T);
        const used = await scheduler.usedHooks("run_a");
        expect(used.sort((a, b) => a.stepId.localeCompare(b.stepId))).toEqual([
          { stepId: "hook#1", payload: { approved: true, by: "Ada" } },
          { stepId: "hook#2", payload: null },
        ]);
        expect(await scheduler.usedHooks("run_c")).toEqual([]);
      });
    });

    it("keeps timers, leases and hooks across a reopen", async () => {
      const { scheduler, reopen } = get();
      await scheduler.schedule(timer("run_a", "sleep#1", T + 10));
      await scheduler.schedule(timer("run_b", "hook#1", T + 20, "hook_timeout"));
      await scheduler.claimDue(T + 10, 10, LEASE);
      await scheduler.createHook(hook("h1", { runId: "run_b", stepId: "hook#1", expiresAt: T + 20 }));
      await scheduler.createHook(hook("h2", { runId: "run_c", stepId: "hook#1" }));
      await scheduler.takeHook("h2", { approved: true }, T);

      const again = await reopen();
      expect(await again.nextDue()).toBe(T + 20);
      expect(await again.claimDue(T + 20, 10, LEASE)).toEqual([
        { runId: "run_b", key: "hook#1", kind: "hook_timeout", dueAt: T + 20, attempt: 1 },
      ]);
      // run_a's timer is still leased by the process that stopped; it comes back when the lease ends.
      expect(ids(await again.claimDue(T + 10 + LEASE, 10, LEASE))).toEqual(["run_a/sleep#1"]);
      expect(await again.findHook("h1")).toMatchObject({ runId: "run_b", expiresAt: T + 20, usedAt: null });
      expect(await again.usedHooks("run_c")).toEqual([{ stepId: "hook#1", payload: { approved: true } }]);
    });
  });
}
