/**
 * Where a step call finds the workflow run it belongs to. `action.run()`, `agent.prompt()`,
 * `promptLlm()` and `otherWorkflow.run()` are plain calls in a workflow's code; inside a run they
 * become journaled steps. The executor runs the workflow's code inside an AsyncLocalStorage scope
 * holding the run's step runner. The storage sits on globalThis under a registered symbol so a
 * project loaded through a TypeScript loader, with its own copy of this module, shares it.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { LogLevel, StepKind } from "@keystroke/core";
import type { RetryPolicy } from "./retry-policy.js";

/** How one step is run: its name and kind, what the timeline shows as input, the work. */
export interface StepCall<T> {
  name: string;
  kind: StepKind;
  input?: unknown;
  retry?: RetryPolicy | undefined;
  run(step: RunningStep): Promise<T>;
}

/** What the work of a step receives: its identity, and the signal that ends it on cancel. */
export interface RunningStep {
  runId: string;
  stepId: string;
  attempt: number;
  /** `${runId}:${stepId}`: the same on every attempt, for effects that cannot be journaled atomically. */
  idempotencyKey: string;
  signal: AbortSignal;
  log(level: LogLevel, message: string, attributes?: Record<string, unknown>): void;
  /**
   * The run this step starts (an agent session, a child workflow), linked both ways before it
   * runs: recorded on the step and added to this run's children. A child workflow keeps the id an
   * earlier attempt chose, so a re-run after a restart continues that child instead of starting another.
   */
  childRunId(): string;
}

/** The executor's side of a running workflow, as steps see it. */
export interface StepRunner {
  readonly runId: string;
  step<T>(call: StepCall<T>): Promise<T>;
}

const scopeKey = Symbol.for("keystroke.workflow-scope");
type ScopeSlot = { [scopeKey]?: AsyncLocalStorage<StepRunner> };

function storage(): AsyncLocalStorage<StepRunner> {
  const slot = globalThis as ScopeSlot;
  slot[scopeKey] ??= new AsyncLocalStorage<StepRunner>();
  return slot[scopeKey];
}

/** The step runner of the workflow run this code executes in, if any. */
export function currentStepRunner(): StepRunner | undefined {
  return storage().getStore();
}

/** Runs `fn` as the code of the workflow run `runner` executes. */
export function withStepRunner<T>(runner: StepRunner, fn: () => T): T {
  return storage().run(runner, fn);
}

/** Runs `fn` outside any workflow run (the body of a step: its own calls are not steps). */
export function outsideWorkflow<T>(fn: () => T): T {
  return storage().exit(fn);
}
