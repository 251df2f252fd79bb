/**
 * What the workflow runtime needs from a scheduler: due times (a sleep's wake, a hook's timeout)
 * and hook records. The store's scheduler implements it; a timer that comes due is handed back to
 * `WorkflowRuntime.onTimer`.
 */
export type TimerKind = "wake" | "hook_timeout";

export interface TimerInput {
  runId: string;
  /** Unique within the run: the step it wakes. */
  key: string;
  kind: TimerKind;
  /** Epoch milliseconds. */
  dueAt: number;
}

export interface HookInput {
  tokenHash: string;
  runId: string;
  stepId: string;
  /** Epoch milliseconds; null for no timeout. */
  expiresAt: number | null;
  /** JSON Schema the posted body must satisfy; null for any JSON. */
  schema: unknown;
}

export interface WorkflowTimers {
  /** Schedules the timer (runId, key), or moves it to the new due time. */
  schedule(timer: TimerInput): Promise<void>;
  /** Drops the run's timers (all of them, or the one with `key`). */
  unschedule(runId: string, key?: string): Promise<void>;
  /** Records a hook; recording the same token again changes nothing. */
  createHook(hook: HookInput): Promise<void>;
  /** Marks the run's unused hook at `stepId` expired; false when it was used (or expired) already. */
  expireHook(runId: string, stepId: string): Promise<boolean>;
  /** Hooks of the run that were resumed (with their payload), for recovery after a crash. */
  usedHooks(runId: string): Promise<{ stepId: string; payload: unknown }[]>;
}
