/**
 * The workflow runtime of a host: starts runs, executes them by replay, and resumes them when a
 * sleep is due, a hook is called or the host restarts. It records through the same sink as the
 * agent runtime (the one write path) and reads each run's journal back from the store. What only
 * a live process knows — which runs execute here, the queue of each workflow's concurrency limit,
 * who awaits a child run — is kept here; everything else is in the journal and the scheduler.
 */
import {
  type Actor,
  KeystrokeError,
  type RunDetail,
  type RunSource,
  type RunStatus,
  type StoredEvent,
  statusCatalog,
} from "@keystroke/core";
import { newRunId } from "@keystroke/core/ids";
import type { Workflow } from "../../workflow/define-workflow.js";
import { HookTimeoutError } from "../../workflow/workflow-context.js";
import { withStepRunner } from "../../workflow/workflow-scope.js";
import { toErrorPayload } from "../error-payload.js";
import { type RunEventSink, RunRecorder } from "../run-recorder.js";
import { readJournal } from "./journal.js";
import type { ClaimEnd, RunClaims } from "./run-claims.js";
import { type ExecutionDeps, WorkflowCanceled, WorkflowExecution } from "./workflow-execution.js";

/** Where the runtime reads runs back: their events (the journal) and their current state. */
export interface WorkflowRunSource {
  readEvents(runId: string, afterSeq: number, limit?: number): Promise<StoredEvent[]>;
  getRun(runId: string): Promise<RunDetail | undefined>;
  /** The project's workflow runs in these statuses, oldest first. */
  listRuns(project: string, statuses: RunStatus[]): Promise<{ runId: string; slug: string; status: RunStatus }[]>;
}

export interface WorkflowRuntimeOptions extends ExecutionDeps {
  /** The project runs start under when `start` names none (the last one `use` served). */
  project: string;
  sink: RunEventSink;
  runs: WorkflowRunSource;
  /** Called when an execution fails in a way no run records (the store refused it, say). */
  onError?(error: unknown, runId: string): void;
  /**
   * Shares executions with other processes (replicas, workers on one database): runs are
   * requested there and executed by whichever process claims them. Without it, every run
   * executes in this process.
   */
  claims?: RunClaims;
}

export interface WorkflowStartOptions {
  source?: RunSource;
  trigger?: { label: string; value?: unknown };
  actor?: Actor;
  parent?: { runId: string; stepId?: string };
  /** The run's id, when the caller chose it (a child run journaled by its parent's step). */
  runId?: string;
  /** The project whose workflow `slug` is; by default the runtime's project. */
  project?: string;
}

export type RunOutcome = { status: "success"; output: unknown } | { status: "failed" | "canceled"; error: Error };

/** What a host does with claimed runs that are not workflow runs (agent sessions held by a process). */
export interface ClaimedOthers {
  /** Another process asked to cancel such a run executing here; false when it is not here. */
  cancel?(runId: string): boolean;
  /** The process that held such a run died: record it interrupted. */
  orphaned?(runId: string): Promise<void>;
}

/** The abort reason of a shutdown, as opposed to a cancel. */
export const SHUTDOWN = Symbol.for("keystroke.workflow-shutdown");

const localActor: Actor = { type: "user", id: "local", name: "Local developer" };
const PAGE = 5000;
/** How long a cancel waits for the process executing the run to record it canceled. */
const REMOTE_CANCEL_MS = 30_000;

const QUEUE_KEY_SEPARATOR = "\u0000";
const queueKey = (project: string, slug: string) => `${project}${QUEUE_KEY_SEPARATOR}${slug}`;

/** The input's first problem as `field: message`, for the error that names it. */
function firstProblem(issues: readonly { path: PropertyKey[]; message: string }[]): { field: string; message: string } {
  const issue = issues[0];
  return { field: issue?.path.map(String).join(".") || "input", message: issue?.message ?? "invalid" };
}

export class WorkflowRuntime {
  /** Project → slug → definition. */
  private readonly workflows = new Map<string, Map<string, Workflow>>();
  /** Runs executing here → their project. */
  private readonly running = new Map<string, string>();
  private readonly executing = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly recorders = new Map<string, RunRecorder>();
  private readonly queues = new Map<string, string[]>();
  private readonly active = new Map<string, number>();
  private readonly waiters = new Map<string, ((outcome: RunOutcome) => void)[]>();
  private closed = false;

  constructor(private options: WorkflowRuntimeOptions) {}

  /**
   * Serves a (re)loaded project: later executions of its runs use these definitions. A runtime
   * serves several projects side by side (a team server hosts each deployed project), each run
   * executing on the definitions of the project it was recorded under.
   */
  use(workflows: Iterable<Workflow>, project = this.options.project): void {
    this.workflows.set(project, new Map([...workflows].map((w) => [w.slug, w])));
    this.options = { ...this.options, project };
  }

  /** Stops serving a project: its runs wait, unexecuted, until it is served again. */
  drop(project: string): void {
    this.workflows.delete(project);
  }

  /** The project `start` uses when it names none. */
  get project(): string {
    return this.options.project;
  }

  list(project = this.options.project): Workflow[] {
    return [...(this.workflows.get(project)?.values() ?? [])].sort((a, b) => a.slug.localeCompare(b.slug));
  }

  get(slug: string, project = this.options.project): Workflow {
    const workflow = this.workflows.get(project)?.get(slug);
    if (workflow) return workflow;
    const known = this.list(project).map((w) => w.slug);
    throw new KeystrokeError("not_found", `No workflow "${slug}" in this project`, {
      hint: known.length
        ? `Known workflows: ${known.join(", ")}`
        : "This project defines no workflow under src/workflows",
      details: { slug, known },
    });
  }

  /** The one project served here that defines workflow `slug`; undefined when none or several do. */
  soleProjectWith(slug: string): string | undefined {
    const defining = [...this.workflows].filter(([, workflows]) => workflows.has(slug));
    return defining.length === 1 ? defining[0]?.[0] : undefined;
  }

  /** The project of a run executing here now. */
  projectOfRun(runId: string): string | undefined {
    return this.running.get(runId);
  }

  /**
   * Validates `input` and records a new run, Queued; it starts at once unless the workflow's
   * concurrency limit is reached. Bad input throws `invalid_input` naming the field, and no run
   * is recorded.
   */
  async start(slug: string, input: unknown, options: WorkflowStartOptions = {}): Promise<{ runId: string }> {
    const project = options.project ?? this.options.project;
    const workflow = this.get(slug, project);
    const parsed = workflow.input.safeParse(input);
    if (!parsed.success) {
      const problem = firstProblem(parsed.error.issues);
      throw new KeystrokeError(
        "invalid_input",
        `Input of workflow "${slug}" is not valid: ${problem.field}: ${problem.message}`,
        {
          hint: "Send the input the workflow's input schema describes (`keystroke workflows list` shows it)",
          details: { field: problem.field, issues: parsed.error.issues },
        },
      );
    }
    const runId = options.runId ?? newRunId();
    const recorder = new RunRecorder(runId, this.options.sink);
    recorder.emit({
      type: "run.created",
      kind: "workflow",
      slug: workflow.slug,
      name: workflow.name,
      project,
      source: options.source ?? "api",
      trigger: options.trigger ?? { label: "API" },
      actor: options.actor ?? localActor,
      ...(options.parent ? { parent: options.parent } : {}),
      status: "queued",
      input: input === undefined ? null : input,
    });
    await recorder.flush();
    this.enqueue(queueKey(project, workflow.slug), runId);
    return { runId };
  }

  /** Resolves when the run finishes (not when it merely sleeps or waits). */
  async outcome(runId: string): Promise<RunOutcome> {
    const waiting = new Promise<RunOutcome>((resolve) => {
      const list = this.waiters.get(runId) ?? [];
      list.push(resolve);
      this.waiters.set(runId, list);
    });
    const run = await this.options.runs.getRun(runId);
    if (run && statusCatalog[run.status].group === "finished") this.settle(runId, outcomeOf(run));
    return waiting;
  }

  /** The recorder of the run's execution in progress here, so a step's records join its stream. */
  recorderOf(runId: string): RunRecorder | undefined {
    return this.recorders.get(runId);
  }

  /** Runs ids executing in this process now. */
  activeRunIds(): string[] {
    return [...this.controllers.keys()];
  }

  /**
   * Cancels a run: one executing here is aborted and records itself canceled; a queued, sleeping
   * or waiting one is recorded canceled here. False when the run is no active workflow run.
   */
  async cancel(runId: string): Promise<boolean> {
    const controller = this.controllers.get(runId);
    if (controller) {
      controller.abort();
      await this.executing.get(runId);
      return true;
    }
    const run = await this.options.runs.getRun(runId);
    if (run?.kind !== "workflow" || statusCatalog[run.status].group === "finished") return false;
    if (await this.options.claims?.requestCancel(runId)) {
      // Another process executes it: it aborts the run there and records the cancel.
      const outcome = await Promise.race([
        this.outcome(runId),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), REMOTE_CANCEL_MS).unref()),
      ]);
      if (outcome) return true;
    }
    for (const queue of this.queues.values()) {
      const at = queue.indexOf(runId);
      if (at >= 0) queue.splice(at, 1);
    }
    const recorder = new RunRecorder(runId, this.options.sink);
    if (run.wait) recorder.emit({ type: "step.finished", stepId: run.wait.stepId, status: "canceled", attempt: 1 });
    recorder.emit({
      type: "run.finished",
      status: "canceled",
      error: { name: "Canceled", message: `Canceled while ${statusCatalog[run.status].label.toLowerCase()}` },
    });
    await recorder.flush();
    await this.options.timers.unschedule(runId);
    this.settle(runId, { status: "canceled", error: new WorkflowCanceled("The run was canceled") });
    return true;
  }

  /** A due timer: a sleep's wake or a hook's timeout. Records the end of the wait, then resumes the run. */
  async onTimer(timer: { runId: string; key: string; kind: string }): Promise<void> {
    // A sleep schedules its wake before its execution has recorded the wait: give that execution
    // a moment to end (bounded, so a run blocked in a long step cannot hold the scheduler's loop).
    const executing = timer.kind === "wake" ? this.executing.get(timer.runId) : undefined;
    if (executing) await Promise.race([executing, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    const run = await this.options.runs.getRun(timer.runId);
    if (run?.kind !== "workflow" || statusCatalog[run.status].group === "finished") return;
    if (timer.kind === "hook_timeout") {
      if (!(await this.options.timers.expireHook(timer.runId, timer.key))) return;
      await this.endWait(timer.runId, timer.key, {
        status: "failed",
        error: toErrorPayload(new HookTimeoutError("The hook timed out before anyone resumed it")),
      });
    } else if (run.wait?.stepId === timer.key) {
      await this.endWait(timer.runId, timer.key, { status: "success" });
    } else if (this.executing.has(timer.runId) || (await this.options.claims?.isHeld(timer.runId))) {
      // Not recorded yet: failing the delivery makes the scheduler deliver the wake again later.
      throw new KeystrokeError("unavailable", `Run ${timer.runId} has not recorded its wait ${timer.key} yet`);
    }
    this.resume(timer.runId);
  }

  /** A hook was called (its record is marked used): the run continues with `payload`. */
  async completeHook(runId: string, stepId: string, payload: unknown): Promise<void> {
    await this.endWait(runId, stepId, { status: "success", output: payload });
    await this.options.timers.unschedule(runId, stepId);
    this.resume(runId);
  }

  /**
   * After a restart: running runs resume by replay, queued ones start in order, hooks resumed
   * just before the stop are delivered; sleeping and waiting runs wait for their timers.
   */
  async recover(project = this.options.project): Promise<{ resumed: number; queued: number }> {
    const runs = await this.options.runs.listRuns(project, ["running", "queued", "waiting_on_hook"]);
    let resumed = 0;
    let queued = 0;
    const claims = this.options.claims;
    for (const run of runs) {
      if (run.status === "running" || run.status === "queued") {
        if (run.status === "running") resumed++;
        else queued++;
        // Shared executions: make sure one is pending, without re-running what another process holds.
        if (claims) await claims.request(run.runId, { again: false });
        else if (run.status === "running") this.resume(run.runId);
        else this.enqueue(queueKey(project, run.slug), run.runId);
      } else {
        const detail = await this.options.runs.getRun(run.runId);
        const used = await this.options.timers.usedHooks(run.runId);
        const delivered = used.find((hook) => hook.stepId === detail?.wait?.stepId);
        if (delivered) await this.completeHook(run.runId, delivered.stepId, delivered.payload);
      }
    }
    return { resumed, queued };
  }

  /**
   * With shared executions, starts claiming runs for this process: each claimed run executes
   * here under a lease; a cancel asked elsewhere aborts it, a lost lease stops it unrecorded.
   */
  startClaiming(others: ClaimedOthers = {}): void {
    this.options.claims?.start({
      execute: (runId) => this.executeClaimed(runId, others),
      cancel: (runId) => {
        if (this.controllers.has(runId)) this.controllers.get(runId)?.abort();
        else others.cancel?.(runId);
      },
      lost: (runId) => this.controllers.get(runId)?.abort(SHUTDOWN),
    });
  }

  /**
   * A run finished in another process: whoever awaits its outcome here hears of it. Cheap when
   * nobody does.
   */
  async observeFinished(runId: string): Promise<void> {
    if (!this.waiters.has(runId)) return;
    const run = await this.options.runs.getRun(runId);
    if (run && statusCatalog[run.status].group === "finished") this.settle(runId, outcomeOf(run));
  }

  /** Executes the run (again) by replay; a run executing already runs once more after. */
  resume(runId: string): Promise<void> {
    const claims = this.options.claims;
    if (claims) return claims.request(runId).catch((error) => this.options.onError?.(error, runId));
    const current = this.executing.get(runId);
    if (current) {
      this.again.add(runId);
      return current;
    }
    const execution = this.execute(runId)
      .then(
        () => undefined,
        (error) => this.options.onError?.(error, runId),
      )
      .finally(() => {
        this.executing.delete(runId);
        if (this.again.delete(runId) && !this.closed) void this.resume(runId);
      });
    this.executing.set(runId, execution);
    return execution;
  }

  /**
   * Stops for a shutdown: no new work starts, and what executes stops where it is without
   * recording an end, so the next start resumes it by replay (the step cut off runs again).
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.controllers.values()) controller.abort(SHUTDOWN);
    await Promise.allSettled([...this.executing.values()]);
    await this.options.claims?.stop();
  }

  /** Settles every execution in flight without canceling (a test's or a benchmark's quiet point). */
  async settled(): Promise<void> {
    while (this.executing.size > 0) await Promise.allSettled([...this.executing.values()]);
  }

  /** `key` is queueKey(project, slug): a workflow's concurrency counts per project. */
  private enqueue(key: string, runId: string): void {
    if (this.options.claims) {
      void this.resume(runId);
      return;
    }
    const queue = this.queues.get(key) ?? [];
    if (!queue.includes(runId)) queue.push(runId);
    this.queues.set(key, queue);
    this.pump(key);
  }

  private pump(key: string): void {
    const queue = this.queues.get(key);
    const [project, slug] = key.split(QUEUE_KEY_SEPARATOR) as [string, string];
    const limit = this.workflows.get(project)?.get(slug)?.concurrency ?? Number.POSITIVE_INFINITY;
    while (!this.closed && queue && queue.length > 0 && (this.active.get(key) ?? 0) < limit) {
      const runId = queue.shift() as string;
      this.active.set(key, (this.active.get(key) ?? 0) + 1);
      void this.resume(runId).finally(() => {
        this.active.set(key, (this.active.get(key) ?? 1) - 1);
        this.pump(key);
      });
    }
  }

  private async endWait(
    runId: string,
    stepId: string,
    end: { status: "success" | "failed"; output?: unknown; error?: ReturnType<typeof toErrorPayload> },
  ): Promise<void> {
    const recorder = new RunRecorder(runId, this.options.sink);
    recorder.emit({
      type: "step.finished",
      stepId,
      status: end.status,
      attempt: 1,
      ...(end.output !== undefined ? { output: end.output } : {}),
      ...(end.error ? { error: end.error } : {}),
    });
    recorder.emit({ type: "run.status_changed", status: "running", reason: `Resumed: ${stepId}` });
    await recorder.flush();
  }

  /**
   * The run's whole journal. A store may answer fewer events than asked for (the SQLite store
   * caps a page at 1,000), so only an empty page ends it.
   */
  private async readAll(runId: string): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for (;;) {
      const page = await this.options.runs.readEvents(runId, events.at(-1)?.seq ?? 0, PAGE);
      if (page.length === 0) return events;
      events.push(...page);
    }
  }

  /** A run this process claimed: executes it here, and says how the execution ended. */
  private async executeClaimed(runId: string, others: ClaimedOthers): Promise<ClaimEnd> {
    try {
      const run = await this.options.runs.getRun(runId);
      if (run && run.kind !== "workflow") {
        // Another kind of run whose process lost its hold on it (died): it is no workflow to replay.
        await others.orphaned?.(runId);
        return "done";
      }
    } catch (error) {
      this.options.onError?.(error, runId);
      return "retry";
    }
    const execution = this.execute(runId).then(
      (end) => end,
      (error: unknown) => {
        this.options.onError?.(error, runId);
        return "retry" as const;
      },
    );
    this.executing.set(
      runId,
      execution.then(() => undefined),
    );
    try {
      return await execution;
    } finally {
      this.executing.delete(runId);
    }
  }

  private async execute(runId: string): Promise<ClaimEnd> {
    if (this.closed) return "cut";
    const journal = readJournal(await this.readAll(runId));
    if (journal.finished) return "done";
    const recorder = new RunRecorder(runId, this.options.sink);
    if (journal.status === "sleeping" || journal.status === "waiting_on_hook") {
      // Still waiting, unless the wait ended before it was recorded: a hook resumed (or timed out)
      // while the execution that then awaited it was still running its earlier steps.
      const waited = journal.waitStepId === undefined ? undefined : journal.byId.get(journal.waitStepId);
      if (!waited || waited.status === "running") return "done";
      recorder.emit({ type: "run.status_changed", status: "running", reason: `Resumed: ${waited.stepId}` });
    }
    const workflow = this.workflows.get(journal.project)?.get(journal.slug);
    if (!workflow && !this.workflows.has(journal.project)) {
      // A project not served here (yet): another process serving it, or this one later, executes it.
      return "retry";
    }
    if (!workflow) {
      recorder.emit({
        type: "run.finished",
        status: "failed",
        error: { name: "WorkflowNotFound", message: `Workflow "${journal.slug}" is no longer defined in this project` },
      });
      await recorder.flush();
      return "done";
    }
    // A first execution holds the slot pump gave it; a resumed one is let through but counts too.
    // Claimed executions have no pump: a queued run waits while this process is at the limit.
    const claimed = this.options.claims !== undefined;
    const key = queueKey(journal.project, workflow.slug);
    if (
      claimed &&
      journal.status === "queued" &&
      (this.active.get(key) ?? 0) >= (workflow.concurrency ?? Number.POSITIVE_INFINITY)
    ) {
      return "retry";
    }
    if (journal.status === "queued") recorder.emit({ type: "run.started" });
    const resumed = journal.status !== "queued" || claimed;
    if (resumed) this.active.set(key, (this.active.get(key) ?? 0) + 1);
    const controller = new AbortController();
    this.controllers.set(runId, controller);
    this.recorders.set(runId, recorder);
    this.running.set(runId, journal.project);
    const execution = new WorkflowExecution(workflow, journal, recorder, controller.signal, this.options);
    const aborted = new Promise<void>((resolve) => controller.signal.addEventListener("abort", () => resolve()));
    try {
      const ended = await Promise.race([
        Promise.resolve()
          .then(() =>
            withStepRunner(execution, () => workflow.handler(workflow.input.parse(journal.input), execution.context)),
          )
          .then(
            (output) => ({ type: "done" as const, output }),
            (error: unknown) => ({ type: "error" as const, error }),
          ),
        execution.suspended.then(() => ({ type: "suspended" as const })),
        aborted.then(() => ({ type: "canceled" as const })),
      ]);
      if (ended.type === "suspended" || controller.signal.reason === SHUTDOWN) {
        await recorder.flush();
        return ended.type === "suspended" && controller.signal.reason !== SHUTDOWN ? "done" : "cut";
      }
      if (controller.signal.aborted) {
        // A step whose work ignores the signal is still running: it ends canceled with the run.
        for (const [stepId, attempt] of execution.inFlight) {
          execution.endedByCancel.add(stepId);
          recorder.emit({ type: "step.finished", stepId, status: "canceled", attempt });
        }
      }
      const outcome = this.finish(workflow, recorder, ended, controller.signal.aborted);
      await recorder.flush();
      await this.options.timers.unschedule(runId);
      this.settle(runId, outcome);
      return "done";
    } finally {
      this.controllers.delete(runId);
      this.recorders.delete(runId);
      this.running.delete(runId);
      if (resumed) {
        this.active.set(key, (this.active.get(key) ?? 1) - 1);
        this.pump(key);
      }
    }
  }

  private finish(
    workflow: Workflow,
    recorder: RunRecorder,
    ended: { type: "done"; output: unknown } | { type: "error"; error: unknown } | { type: "canceled" },
    aborted: boolean,
  ): RunOutcome {
    if (ended.type === "canceled" || aborted || (ended.type === "error" && ended.error instanceof WorkflowCanceled)) {
      recorder.emit({
        type: "run.finished",
        status: "canceled",
        error: { name: "Canceled", message: "The run was canceled" },
      });
      return { status: "canceled", error: new WorkflowCanceled("The run was canceled") };
    }
    if (ended.type === "error") {
      const error = toErrorPayload(ended.error);
      recorder.emit({ type: "run.finished", status: "failed", error });
      return { status: "failed", error: ended.error instanceof Error ? ended.error : new Error(error.message) };
    }
    const output = workflow.output.safeParse(ended.output);
    if (!output.success) {
      const problem = firstProblem(output.error.issues);
      const error = new KeystrokeError(
        "internal",
        `Workflow "${workflow.slug}" returned output that does not match its output schema: ${problem.field}: ${problem.message}`,
        { details: { issues: output.error.issues } },
      );
      recorder.emit({ type: "run.finished", status: "failed", error: toErrorPayload(error) });
      return { status: "failed", error };
    }
    recorder.emit({ type: "run.finished", status: "success", output: output.data ?? null });
    return { status: "success", output: output.data };
  }

  private settle(runId: string, outcome: RunOutcome): void {
    const waiting = this.waiters.get(runId);
    if (!waiting) return;
    this.waiters.delete(runId);
    for (const resolve of waiting) resolve(outcome);
  }
}

function outcomeOf(run: RunDetail): RunOutcome {
  if (run.status === "success") return { status: "success", output: run.output };
  const error = new Error(run.error?.message ?? run.status);
  if (run.error?.name) error.name = run.error.name;
  return { status: run.status === "canceled" ? "canceled" : "failed", error };
}
