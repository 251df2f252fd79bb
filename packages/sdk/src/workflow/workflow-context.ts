import type { LogLevel } from "@keystroke/core";
import type { z } from "zod";
import type { SleepFor } from "./duration.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { RunningStep } from "./workflow-scope.js";

/** A hook: hand its `resumeUrl` (or `token`) to a person or a system, then `await` it for the posted body. */
export interface Hook<T> extends PromiseLike<T> {
  /** The credential: whoever holds it can resume the run, once. */
  readonly token: string;
  /** `POST` a JSON body here (or `GET` it, for a link) to resume the run with that body. */
  readonly resumeUrl: string;
  /** When the hook times out (the await then throws HookTimeoutError); null for never. */
  readonly expiresAt: Date | null;
}

export interface HookOptions<T> {
  /** Checks the posted body; a body that fails gets 400 and the run keeps waiting. */
  schema?: z.ZodType<T>;
  /** How long to wait ("24h", ms, a Date) before the await throws HookTimeoutError. */
  timeout?: SleepFor;
}

export interface StepOptions {
  retry?: RetryPolicy;
}

/**
 * What a workflow's `run` receives beside its input. Everything on it is replay-safe: after a
 * restart, completed steps return their recorded result, `now()` and `random()` return the values
 * they returned the first time, and logs written before the point reached are not written again.
 */
export interface WorkflowContext {
  readonly runId: string;
  /** Runs `fn` once as a named step; its result is journaled and returned on replay. */
  step<T>(name: string, fn: (step: RunningStep) => Promise<T> | T, options?: StepOptions): Promise<T>;
  /** Pauses the run ("30s", "1h", ms or a Date); it is Sleeping meanwhile, and survives restarts. */
  sleep(duration: SleepFor): Promise<void>;
  /** A hook the run can wait on (Waiting on hook) until its resume URL is called. */
  hook<T = unknown>(options?: HookOptions<T>): Hook<T>;
  /** The time, journaled: the same on every replay. */
  now(): Date;
  /** A random number in [0, 1), journaled: the same on every replay. */
  random(): number;
  /** Writes a log line onto the run; not written again on replay. */
  log(level: LogLevel, message: string, attributes?: Record<string, unknown>): void;
}

/**
 * Thrown by `await hook` when the hook's timeout passed before anyone resumed it. `instanceof`
 * checks the name, so the error the runtime throws matches this class in any copy of the package
 * (the server's and the project's can differ).
 */
export class HookTimeoutError extends Error {
  override readonly name = "HookTimeoutError";

  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && value.name === "HookTimeoutError";
  }
}
