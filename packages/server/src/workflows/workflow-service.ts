/**
 * The workflows a server hosts: each hosted project's workflow definitions, the one runtime that
 * runs them all by replay, each run on the definitions of its own project (recording through the
 * ingest queue, the one write path; reading journals back from the store), and the scheduler
 * loop that wakes sleepers and times out hooks. It also installs the host that `workflow.run()`
 * and `promptLlm()` reach from project code.
 */
import { type RunStatus, type RunSummary, statusCatalog } from "@keystroke/core";
import type { RunStore, Scheduler } from "@keystroke/store";
import {
  type ClaimedOthers,
  callModel,
  hookToken,
  installWorkflowHost,
  type LlmRequest,
  type RunClaims,
  type RunningStep,
  resolveModel,
  WorkflowRuntime,
} from "keystroke/runtime";
import type { Workflow } from "keystroke/workflow";
import type { IngestQueue } from "../ingest/ingest-queue.js";
import type { LoadedProject } from "../projects/load-project.js";
import { projectScope } from "../projects/project-scope.js";

export interface WorkflowServiceOptions {
  store: RunStore;
  ingest: IngestQueue;
  scheduler: Scheduler;
  /** Shares executions with the other replicas and workers on the database; without, runs execute here. */
  claims?: RunClaims;
  /** Claimed runs that are not workflow runs: agent sessions whose process died, or cancels of them. */
  others?: ClaimedOthers;
  /** Signs hook tokens; keep it across restarts so resume URLs stay valid. */
  hookSecret: Uint8Array;
  /** The server's public base URL, e.g. `http://127.0.0.1:3400` (read when a URL is made). */
  baseUrl(): string;
  env?: Record<string, string | undefined>;
  maxRetries?: number;
  stepTimeoutMs?: number;
  onError?(error: unknown, runId: string): void;
}

const PAGE = 1000;

export class WorkflowService {
  readonly runtime: WorkflowRuntime;
  /** Run `project` value → the hosted project (for its model providers). */
  private readonly projects = new Map<string, LoadedProject>();
  private uninstall: (() => void) | undefined;
  private started = false;

  constructor(private readonly options: WorkflowServiceOptions) {
    const { store } = options;
    this.runtime = new WorkflowRuntime({
      project: "",
      sink: { append: (batch) => options.ingest.submit(batch) },
      runs: {
        readEvents: (runId, after, limit) => store.readEvents(runId, after, limit),
        getRun: async (runId) => (await store.getRun(runId))?.run,
        listRuns: (project, statuses) => this.listRuns(project, statuses),
      },
      timers: options.scheduler,
      hookSecret: options.hookSecret,
      hookUrl: (token) => this.hookUrl(token),
      onError: options.onError,
      ...(options.claims ? { claims: options.claims } : {}),
    });
  }

  /**
   * Serves `project`'s workflows from now on, beside the other hosted projects'; once runs are
   * started (`startRuns`), a project served for the first time has its runs picked up.
   */
  use(project: LoadedProject): void {
    const key = project.config.project;
    const first = !this.projects.has(key);
    this.projects.set(key, project);
    this.runtime.use(project.workflows.values(), key);
    if (first && this.started) {
      void this.runtime.recover(key).catch((error) => this.options.onError?.(error, key));
    }
    if (!this.uninstall) {
      this.uninstall = installWorkflowHost({
        run: async (workflow, input) => {
          // Outside a step: the project whose code is running (an agent's tool, see project-scope.ts),
          // else the only one defining the workflow — as agents do.
          const project = projectScope.getStore() ?? this.runtime.soleProjectWith(workflow.slug);
          const { runId } = await this.runtime.start(workflow.slug, input, {
            source: "api",
            trigger: { label: "Project code" },
            ...(project ? { project } : {}),
          });
          return this.outputOf(runId);
        },
        runChild: (workflow, input, step) => this.runChild(workflow, input, step),
        callModel: (request, step) => this.callModel(request, step),
      });
    }
  }

  get scheduler(): Scheduler {
    return this.options.scheduler;
  }

  /** Stops serving a project that was replaced (renamed in its config). */
  drop(key: string): void {
    this.projects.delete(key);
    this.runtime.drop(key);
  }

  list(project?: string): Workflow[] {
    return this.runtime.list(project);
  }

  /** The run's status now, or undefined for an unknown run. */
  async status(runId: string): Promise<RunStatus | undefined> {
    return (await this.options.store.getRun(runId))?.run.status;
  }

  /** Starts the scheduler loop and picks up the runs a stopped server left. */
  async startRuns(): Promise<void> {
    if (this.started) return;
    // Started once everything is: a recovery that fails is tried again by the next call.
    for (const project of this.projects.keys()) await this.runtime.recover(project);
    if (this.started) return;
    this.started = true;
    this.runtime.startClaiming(this.options.others);
    this.options.scheduler.start((timer) => this.runtime.onTimer(timer));
  }

  /** A committed batch (from this process or, relayed, another): a finished workflow run settles its waiters. */
  onBatch(batch: { runId: string; run: RunSummary }): void {
    if (batch.run.kind !== "workflow" || statusCatalog[batch.run.status].group !== "finished") return;
    void this.runtime.observeFinished(batch.runId).catch((error) => this.options.onError?.(error, batch.runId));
  }

  /** The URL that resumes the hook at `stepId` of `runId`. */
  resumeUrl(runId: string, stepId: string): string {
    return this.hookUrl(hookToken(this.options.hookSecret, runId, stepId));
  }

  async close(): Promise<void> {
    this.uninstall?.();
    await this.options.scheduler.stop();
    await this.runtime.close();
  }

  private hookUrl(token: string): string {
    return `${this.options.baseUrl().replace(/\/$/, "")}/api/hooks/${token}`;
  }

  private async outputOf(runId: string): Promise<unknown> {
    const outcome = await this.runtime.outcome(runId);
    if (outcome.status === "success") return outcome.output;
    // A child canceled on its own fails the step that waited for it; it does not cancel the caller.
    if (outcome.status === "canceled") throw new Error(`Workflow run ${runId} was canceled`);
    throw outcome.error;
  }

  private async runChild(workflow: Workflow, input: unknown, step: RunningStep): Promise<unknown> {
    const childRunId = step.childRunId();
    const existing = await this.options.store.getRun(childRunId);
    if (!existing) {
      const parent = await this.options.store.getRun(step.runId);
      const project = this.runtime.projectOfRun(step.runId) ?? parent?.run.project;
      await this.runtime.start(workflow.slug, input, {
        runId: childRunId,
        ...(project ? { project } : {}),
        source: "workflow",
        trigger: {
          label: `Step of ${parent?.run.name ?? "a workflow"}`,
          value: { parentRunId: step.runId, stepId: step.stepId },
        },
        actor: { type: "workflow", id: step.runId, ...(parent ? { name: parent.run.name } : {}) },
        parent: { runId: step.runId, stepId: step.stepId },
      });
    } else if (existing.run.status === "running") {
      void this.runtime.resume(childRunId);
    }
    return this.childOutput(childRunId, step);
  }

  /**
   * The child's output, or the end of the waiting when the parent's step is aborted: a cancel of
   * the parent cancels the child too (a shutdown leaves it to resume after the restart).
   */
  private childOutput(childRunId: string, step: RunningStep): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (typeof step.signal.reason !== "symbol") {
          void this.runtime.cancel(childRunId).catch((error) => this.options.onError?.(error, childRunId));
        }
        reject(new Error("The parent run was canceled"));
      };
      if (step.signal.aborted) return onAbort();
      step.signal.addEventListener("abort", onAbort, { once: true });
      this.outputOf(childRunId)
        .then(resolve, reject)
        .finally(() => step.signal.removeEventListener("abort", onAbort));
    });
  }

  private async callModel(request: LlmRequest, step: RunningStep | undefined): Promise<string> {
    const key = (step && this.runtime.projectOfRun(step.runId)) ?? projectScope.getStore() ?? this.runtime.project;
    const providers = this.projects.get(key)?.config.providers ?? {};
    const resolved = resolveModel(request.model, providers, this.options.env ?? process.env);
    const recorder = step ? this.runtime.recorderOf(step.runId) : undefined;
    return callModel(request, {
      resolved,
      recorder,
      signal: step?.signal,
      maxRetries: this.options.maxRetries ?? 2,
      timeoutMs: this.options.stepTimeoutMs ?? 120_000,
    });
  }

  private async listRuns(
    project: string,
    statuses: RunStatus[],
  ): Promise<{ runId: string; slug: string; status: RunStatus }[]> {
    const runs: { runId: string; slug: string; status: RunStatus }[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.options.store.listRuns(
        { kind: ["workflow"], project: [project], status: statuses },
        { cursor, limit: PAGE },
      );
      for (const run of page.runs) runs.push({ runId: run.runId, slug: run.slug, status: run.status });
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return runs.reverse();
  }
}
