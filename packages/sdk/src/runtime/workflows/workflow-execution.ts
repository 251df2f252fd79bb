/**
 * One execution of a workflow run's code: the context its `run` receives and the step runner its
 * step calls reach. Positions are counted as the code runs; while a position is in the journal the
 * code is replaying, and a completed step returns its recorded output without running. A step's
 * identity is its name plus its occurrence (`charge#2`); meeting another identity at a journaled
 * position is a non-deterministic workflow. Waiting (a sleep not due, a hook not resumed) records
 * the wait and suspends: the code's promise is left pending and the execution ends.
 */
import { KeystrokeError, type LogLevel } from "@keystroke/core";
import { newRunId } from "@keystroke/core/ids";
import { z } from "zod";
import type { Workflow } from "../../workflow/define-workflow.js";
import { type SleepFor, sleepUntil } from "../../workflow/duration.js";
import { backoffMs, resolveRetry } from "../../workflow/retry-policy.js";
import {
  type Hook,
  type HookOptions,
  HookTimeoutError,
  type StepOptions,
  type WorkflowContext,
} from "../../workflow/workflow-context.js";
import { outsideWorkflow, type RunningStep, type StepCall, type StepRunner } from "../../workflow/workflow-scope.js";
import { toErrorPayload } from "../error-payload.js";
import type { RunRecorder } from "../run-recorder.js";
import { hashHookToken, hookToken } from "./hook-token.js";
import type { Journal, JournalStep } from "./journal.js";
import type { WorkflowTimers } from "./workflow-timers.js";

export interface ExecutionDeps {
  timers: WorkflowTimers;
  hookSecret: Uint8Array;
  hookUrl(token: string): string;
}

/** Thrown into the code when the run is canceled. */
export class WorkflowCanceled extends Error {
  override readonly name = "Canceled";
}

const NON_DETERMINISTIC = "NonDeterministicWorkflowError";

/** A JSON round trip: what a step returns now is what its replay will return. */
function journaled<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function rebuildError(step: JournalStep): Error {
  const payload = step.error ?? { message: `Step ${step.stepId} failed` };
  const error =
    payload.name === "HookTimeoutError" ? new HookTimeoutError(payload.message) : new Error(payload.message);
  if (payload.name && !(error instanceof HookTimeoutError)) error.name = payload.name;
  return error;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new WorkflowCanceled("The run was canceled"));
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", onAbort, { once: true });
    function done() {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(new WorkflowCanceled("The run was canceled"));
    }
  });
}

export class WorkflowExecution implements StepRunner {
  readonly runId: string;
  /** Resolves when the code waits on something that is not there yet: the execution ends. */
  readonly suspended: Promise<void>;
  private suspend!: () => void;
  private position = 0;
  private readonly occurrences = new Map<string, number>();
  private readonly pending: Promise<unknown>[] = [];
  /** Steps whose work is running now, with their attempt: what a cancel cuts off. */
  readonly inFlight = new Map<string, number>();
  /** In-flight steps the run already recorded canceled (so the step does not record it twice). */
  readonly endedByCancel = new Set<string>();
  private waiting = false;

  constructor(
    private readonly workflow: Workflow,
    private readonly journal: Journal,
    readonly recorder: RunRecorder,
    private readonly signal: AbortSignal,
    private readonly deps: ExecutionDeps,
  ) {
    this.runId = journal.runId;
    Object.defineProperty(this.context, "runId", { value: journal.runId, enumerable: true });
    this.suspended = new Promise((resolve) => {
      this.suspend = resolve;
    });
  }

  /** True while the code is at a position the journal already holds. */
  get replaying(): boolean {
    return this.position < this.journal.steps.length;
  }

  step<T>(call: StepCall<T>): Promise<T> {
    const { position, stepId, recorded } = this.next(call.name);
    return this.runStep(call, position, stepId, recorded);
  }

  private async runStep<T>(
    call: StepCall<T>,
    position: number,
    stepId: string,
    recorded: JournalStep | undefined,
  ): Promise<T> {
    await this.settlePending();
    if (recorded?.status === "success") return recorded.output as T;
    const policy = resolveRetry(call.retry ?? this.workflow.retries, call.retry ? "retry" : "retries");
    // A failure is final once the code went past it or its attempts ran out (the code may have
    // caught it); only a failure cut off before its next attempt is tried again.
    const later = position < this.journal.steps.length - 1;
    if (recorded?.status === "failed" && (later || recorded.attempt >= policy.attempts)) throw rebuildError(recorded);
    if (recorded?.status === "canceled") throw new WorkflowCanceled(`Step ${stepId} was canceled`);
    let attempt = recorded ? recorded.attempt + 1 : 1;
    const keptChild = call.kind === "workflow" ? (recorded?.childRunId ?? newRunId()) : undefined;
    for (;;) {
      this.throwIfCanceled();
      const childRunId = keptChild ?? (call.kind === "agent" ? newRunId() : undefined);
      this.recorder.emit({
        type: "step.started",
        stepId,
        name: call.name,
        kind: call.kind,
        attempt,
        ...(call.input !== undefined ? { input: journaled(call.input) } : {}),
        ...(childRunId ? { childRunId } : {}),
      });
      if (childRunId) this.recorder.emit({ type: "run.child_added", childRunId, stepId });
      if (childRunId) await this.recorder.flush();
      const running = this.runningStep(stepId, attempt, childRunId);
      this.inFlight.set(stepId, attempt);
      try {
        const output = journaled(
          await outsideWorkflow(() => call.run(running)).finally(() => this.inFlight.delete(stepId)),
        );
        this.recorder.emit({
          type: "step.finished",
          stepId,
          status: "success",
          attempt,
          ...(output !== undefined ? { output } : {}),
        });
        await this.recorder.flush();
        return output;
      } catch (thrown) {
        if (this.signal.aborted) {
          // A shutdown leaves the step unfinished, so the next start runs it again.
          if (typeof this.signal.reason !== "symbol" && !this.endedByCancel.has(stepId)) {
            this.recorder.emit({ type: "step.finished", stepId, status: "canceled", attempt });
          }
          throw new WorkflowCanceled("The run was canceled");
        }
        this.recorder.emit({ type: "step.finished", stepId, status: "failed", attempt, error: toErrorPayload(thrown) });
        await this.recorder.flush();
        if (attempt >= policy.attempts) throw thrown;
        attempt += 1;
        await delay(backoffMs(policy, attempt), this.signal);
      }
    }
  }

  private runningStep(stepId: string, attempt: number, childRunId: string | undefined): RunningStep {
    return {
      runId: this.runId,
      stepId,
      attempt,
      idempotencyKey: `${this.runId}:${stepId}`,
      signal: this.signal,
      log: (level, message, attributes) => this.writeLog(level, message, attributes, stepId),
      childRunId: () => {
        if (!childRunId) throw new KeystrokeError("internal", `Step ${stepId} starts no child run`);
        return childRunId;
      },
    };
  }

  /** Runs `fn` once as a named step. */
  stepOf<T>(name: string, fn: (step: RunningStep) => Promise<T> | T, options?: StepOptions): Promise<T> {
    if (typeof name !== "string" || name.trim() === "" || name.length > 200) {
      throw new KeystrokeError("invalid_input", "ctx.step needs a name of 1 to 200 characters", {
        details: { field: "name" },
      });
    }
    return this.step({ name, kind: "step", retry: options?.retry, run: async (step) => fn(step) });
  }

  /** What the workflow's `run` receives as `ctx`. */
  readonly context: WorkflowContext = {
    runId: "",
    step: (name, fn, options) => this.stepOf(name, fn, options),
    sleep: (duration) => this.sleep(duration),
    hook: (options) => this.hook(options),
    now: () => this.now(),
    random: () => this.random(),
    log: (level, message, attributes) => this.log(level, message, attributes),
  };

  async sleep(duration: SleepFor): Promise<void> {
    const { stepId, recorded } = this.next("sleep");
    await this.settlePending();
    if (recorded?.status === "success") return;
    if (recorded?.status === "canceled") throw new WorkflowCanceled(`Step ${stepId} was canceled`);
    let until: number;
    if (recorded) until = Date.parse(String((recorded.input as { until?: string } | undefined)?.until));
    else {
      until = sleepUntil(duration, Date.now());
      this.recorder.emit({
        type: "step.started",
        stepId,
        name: "sleep",
        kind: "sleep",
        attempt: 1,
        input: { until: new Date(until).toISOString() },
      });
    }
    if (!(until > Date.now())) {
      this.recorder.emit({ type: "step.finished", stepId, status: "success", attempt: 1 });
      await this.recorder.flush();
      return;
    }
    await this.deps.timers.schedule({ runId: this.runId, key: stepId, kind: "wake", dueAt: until });
    this.recorder.emit({
      type: "run.status_changed",
      status: "sleeping",
      reason: `Sleeping until ${new Date(until).toISOString()}`,
      wait: { kind: "sleep", stepId, until: new Date(until).toISOString() },
    });
    return this.wait();
  }

  hook<T = unknown>(options: HookOptions<T> = {}): Hook<T> {
    const { stepId, recorded } = this.next("hook");
    const token = hookToken(this.deps.hookSecret, this.runId, stepId);
    let expiresAt: number | null;
    if (recorded) {
      const at = (recorded.input as { expiresAt?: string | null } | undefined)?.expiresAt;
      expiresAt = at ? Date.parse(at) : null;
    } else {
      expiresAt = options.timeout === undefined ? null : sleepUntil(options.timeout, Date.now());
      this.recorder.emit({
        type: "step.started",
        stepId,
        name: "hook",
        kind: "hook",
        attempt: 1,
        input: { expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString() },
      });
    }
    if (!recorded || recorded.status === "running") {
      const schema = options.schema ? z.toJSONSchema(options.schema, { unrepresentable: "any" }) : null;
      // The hook is recorded on the run before its token works, so a resume that comes at once
      // (before the code awaits the hook) ends a step the journal already holds.
      const record = async () => {
        if (!recorded) await this.recorder.flush();
        await this.deps.timers.createHook({
          tokenHash: hashHookToken(token),
          runId: this.runId,
          stepId,
          expiresAt,
          schema,
        });
        if (expiresAt !== null) {
          await this.deps.timers.schedule({ runId: this.runId, key: stepId, kind: "hook_timeout", dueAt: expiresAt });
        }
      };
      this.pending.push(record());
    }
    let answer: Promise<T> | undefined;
    const awaitBody = async (): Promise<T> => {
      await this.settlePending();
      if (recorded?.status === "success") return recorded.output as T;
      if (recorded?.status === "failed") throw rebuildError(recorded);
      if (recorded?.status === "canceled") throw new WorkflowCanceled(`Step ${stepId} was canceled`);
      this.recorder.emit({
        type: "run.status_changed",
        status: "waiting_on_hook",
        reason: "Waiting on hook",
        wait: { kind: "hook", stepId, expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString() },
      });
      return this.wait();
    };
    return {
      token,
      resumeUrl: this.deps.hookUrl(token),
      expiresAt: expiresAt === null ? null : new Date(expiresAt),
      // biome-ignore lint/suspicious/noThenProperty: a hook is awaited for its body, by design.
      then: (onFulfilled, onRejected) => {
        answer ??= awaitBody();
        return answer.then(onFulfilled, onRejected);
      },
    };
  }

  now(): Date {
    return new Date(this.value("now", () => Date.now()) as number);
  }

  random(): number {
    return this.value("random", () => Math.random()) as number;
  }

  log(level: LogLevel, message: string, attributes?: Record<string, unknown>): void {
    if (this.replaying) return;
    this.writeLog(level, message, attributes);
  }

  private writeLog(level: LogLevel, message: string, attributes?: Record<string, unknown>, stepId?: string): void {
    this.recorder.emit({
      type: "log.recorded",
      log: {
        time: new Date().toISOString(),
        level,
        message: String(message),
        attributes: { ...(attributes ?? {}), ...(stepId ? { "keystroke.step.id": stepId } : {}) },
      },
    });
  }

  private value(kind: string, make: () => unknown): unknown {
    const count = (this.occurrences.get(`\u0000${kind}`) ?? 0) + 1;
    this.occurrences.set(`\u0000${kind}`, count);
    const key = `${kind}#${count}`;
    if (this.journal.values.has(key)) return this.journal.values.get(key);
    const value = make();
    this.journal.values.set(key, value);
    this.recorder.emit({ type: "value.recorded", key, value });
    return value;
  }

  /** The next position and the identity of the step there; throws when the journal disagrees. */
  private next(name: string): { position: number; stepId: string; recorded: JournalStep | undefined } {
    this.throwIfCanceled();
    if (this.waiting) {
      throw new KeystrokeError("invalid_input", `Step "${name}" was called while the run waits; await each wait first`);
    }
    const position = this.position++;
    const occurrence = (this.occurrences.get(name) ?? 0) + 1;
    this.occurrences.set(name, occurrence);
    const stepId = `${name}#${occurrence}`;
    const recorded = this.journal.steps[position];
    if (recorded && recorded.stepId !== stepId) {
      throw new KeystrokeError(
        "conflict",
        `Non-deterministic workflow: step ${position + 1} of this run was recorded as "${recorded.stepId}", but the code now reaches "${stepId}" there`,
        {
          hint: "A workflow's code must call the same steps in the same order on replay; start a new run for changed code",
          details: { name: NON_DETERMINISTIC, position: position + 1, recorded: recorded.stepId, reached: stepId },
        },
      );
    }
    return { position, stepId, recorded };
  }

  private async wait<T>(): Promise<T> {
    this.waiting = true;
    await this.settlePending();
    await this.recorder.flush();
    this.suspend();
    return new Promise<T>(() => {});
  }

  private async settlePending(): Promise<void> {
    while (this.pending.length > 0) await this.pending.shift();
  }

  private throwIfCanceled(): void {
    if (this.signal.aborted) throw new WorkflowCanceled("The run was canceled");
  }
}
