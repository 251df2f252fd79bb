/**
 * The scheduler: due times (a sleeping workflow's wake, a hook's timeout) delivered to a handler,
 * and the hooks runs wait on. One interface with one conformance suite; the embedded
 * implementation is a due-time table and one loop in the server process (sqlite-scheduler.ts).
 * Delivery is at least once: a timer is removed only after its handler resolved, and a process
 * that dies while handling one lets its lease run out, so another delivery follows.
 */

export type TimerKind = "wake" | "hook_timeout";

export interface TimerInput {
  runId: string;
  /** Unique within the run, e.g. the step a wake ends. */
  key: string;
  kind: TimerKind;
  /** Epoch milliseconds. */
  dueAt: number;
}

export interface DueTimer extends TimerInput {
  /** 1 on the first delivery; more after a handler failed or its process died. */
  attempt: number;
}

export interface HookInput {
  tokenHash: string;
  runId: string;
  stepId: string;
  /** Epoch milliseconds; null for no timeout. */
  expiresAt: number | null;
  /** JSON Schema the resume body must satisfy; null for any JSON. */
  schema: unknown;
}

export interface HookRecord extends HookInput {
  createdAt: number;
  usedAt: number | null;
  /** How the hook was used: resumed with a body, or timed out. */
  outcome: "resumed" | "timeout" | null;
}

/** What `takeHook` found: the hook is now the caller's to deliver, or why it is not. */
export type HookTake =
  | { status: "taken"; hook: HookRecord }
  | { status: "used"; hook: HookRecord }
  | { status: "expired"; hook: HookRecord }
  | { status: "missing" };

export interface Scheduler {
  /** Schedules the timer (runId, key), or moves it to the new due time. */
  schedule(timer: TimerInput): Promise<void>;
  /** Drops the run's timers: all of them, or the one with `key`. */
  unschedule(runId: string, key?: string): Promise<void>;
  /** The earliest due time of a timer waiting, or null when none is. */
  nextDue(): Promise<number | null>;
  /**
   * Takes up to `limit` timers due at `now`, leasing them for `leaseMs`: a taken timer is not
   * taken again until it is completed, failed, or its lease runs out.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<DueTimer[]>;
  /** The handler of a claimed timer succeeded: it is removed (unless it was rescheduled meanwhile). */
  complete(timer: DueTimer): Promise<void>;
  /** The handler failed: the timer is delivered again at `retryAt`. */
  fail(timer: DueTimer, retryAt: number): Promise<void>;
  /** Delivers due timers to `handler` until `stop`. */
  start(handler: (timer: DueTimer) => Promise<void>): void;
  stop(): Promise<void>;

  /** Records a hook; recording the same token again changes nothing. */
  createHook(hook: HookInput): Promise<void>;
  findHook(tokenHash: string): Promise<HookRecord | undefined>;
  /** Marks the hook used by a resume carrying `payload`, once: the first caller wins. */
  takeHook(tokenHash: string, payload: unknown, now: number): Promise<HookTake>;
  /** Marks the run's unused hook at `stepId` timed out; false when it was used already. */
  expireHook(runId: string, stepId: string): Promise<boolean>;
  /** The run's hooks resumed with a body (for delivering one a crash cut off). */
  usedHooks(runId: string): Promise<{ stepId: string; payload: unknown }[]>;
}
