/**
 * The agents a server hosts: each hosted project's agents, the runtime that runs their prompts
 * (recording through the server's ingest queue, the one write path) and the sessions it reads
 * back from the store. A server hosts one project (`dev`, `serve --dir`) or, on a team server,
 * every project deployed to it, each with a runtime of its own; a method that names no project
 * acts on the one used last. A reload swaps a project's code; prompts already running finish on
 * the code they started with.
 */
import { type Actor, KeystrokeError, type Message, type RunSource, statusCatalog } from "@keystroke/core";
import type { RunStore } from "@keystroke/store";
import type { Agent, PromptResult } from "keystroke/agent";
import { AgentRuntime, installAgentHost, type RecordedSession, type RunClaims } from "keystroke/runtime";
import type { IngestQueue } from "../ingest/ingest-queue.js";
import type { LoadedProject } from "../projects/load-project.js";
import { projectScope } from "../projects/project-scope.js";
import { failInterruptedRuns, interruptedEvent } from "./interrupted-runs.js";

export interface PromptOrigin {
  source: RunSource;
  trigger: { label: string; value?: unknown };
  actor: Actor;
}

export interface AgentServiceOptions {
  store: RunStore;
  ingest: IngestQueue;
  env?: Record<string, string | undefined>;
  maxRetries?: number;
  stepTimeoutMs?: number;
  /** Shared with the other processes on the database: sessions executing here are held under a lease. */
  claims?: RunClaims;
  /** The project of a workflow run executing here: an agent prompted from one of its steps runs in that project. */
  projectOfRun?: (runId: string) => string | undefined;
}

const PAGE = 1000;

interface Hosted {
  project: LoadedProject;
  runtime: AgentRuntime;
}

export class AgentService {
  /** Run `project` value (`org/project` on a team server) → the project and its runtime. */
  private readonly hosted = new Map<string, Hosted>();
  private last: string | undefined;
  /** Runtimes of projects no longer served, whose sessions may still run (closed with the rest). */
  private readonly retired: AgentRuntime[] = [];
  private uninstall: (() => void) | undefined;

  constructor(private readonly options: AgentServiceOptions) {}

  /** The run `project` values of every hosted project. */
  projects(): string[] {
    return [...this.hosted.keys()];
  }

  /** A hosted project by its run `project` value. */
  project(key: string): LoadedProject | undefined {
    return this.hosted.get(key)?.project;
  }

  /** Serves `project` from now on, beside the others (a reload keeps its runtime, so sessions stay in order). */
  use(project: LoadedProject): void {
    const key = project.config.project;
    this.last = key;
    const settings = { project: key, providers: project.config.providers ?? {} };
    const known = this.hosted.get(key);
    if (known) {
      known.project = project;
      known.runtime.reconfigure(settings);
      return;
    }
    const runtime = new AgentRuntime({
      ...settings,
      sink: { append: (batch) => this.options.ingest.submit(batch) },
      sessions: { find: (session) => this.findSession(session) },
      env: this.options.env ?? process.env,
      maxRetries: this.options.maxRetries,
      ...(this.options.claims ? { leases: this.options.claims } : {}),
      stepTimeoutMs: this.options.stepTimeoutMs,
    });
    this.hosted.set(key, { project, runtime });
    // Project code calling `agent.prompt()` reaches the runtime of the project the call comes from:
    // a workflow step's run's project, or the project whose code is running (project-scope.ts).
    this.uninstall ??= installAgentHost({
      prompt: (agent, { step, ...input }) => {
        const key = (step ? this.options.projectOfRun?.(step.runId) : undefined) ?? projectScope.getStore();
        const hosted = this.callerProject(key, agent);
        return projectScope.run(hosted.project.config.project, () =>
          hosted.runtime.prompt(
            agent,
            step
              ? {
                  ...input,
                  source: "workflow",
                  trigger: { label: "Workflow step", value: { runId: step.runId, stepId: step.stepId } },
                  actor: { type: "workflow", id: step.runId },
                  step,
                  signal: step.signal,
                }
              : { ...input, source: "api", trigger: { label: "Project code" } },
          ),
        );
      },
    });
  }

  /** Stops serving a project that was replaced (renamed in its config); sessions running finish. */
  drop(key: string): void {
    const hosted = this.hosted.get(key);
    if (hosted) this.retired.push(hosted.runtime);
    this.hosted.delete(key);
    if (this.last === key) this.last = this.hosted.keys().next().value;
  }

  list(key = this.last): Agent[] {
    const hosted = key === undefined ? undefined : this.hosted.get(key);
    return [...(hosted?.project.agents.values() ?? [])].sort((a, b) => a.slug.localeCompare(b.slug));
  }

  get(slug: string, key = this.last): Agent {
    const agent = key === undefined ? undefined : this.hosted.get(key)?.project.agents.get(slug);
    if (agent) return agent;
    const known = this.list(key).map((a) => a.slug);
    throw new KeystrokeError("not_found", `No agent "${slug}" in this project`, {
      hint: known.length
        ? `Known agents: ${known.join(", ")}`
        : "This server hosts no project: run `keystroke dev` in a project folder",
      details: { slug, known },
    });
  }

  prompt(
    slug: string,
    input: { message: string; sessionId?: string; runId?: string },
    origin: PromptOrigin,
    options: { signal?: AbortSignal; project?: string } = {},
  ): Promise<PromptResult> {
    const key = options.project ?? this.last;
    const agent = this.get(slug, key);
    const { runtime } = this.hosted.get(key as string) as Hosted;
    // The session's code runs in its project's scope: what its tools call back reaches this project.
    return projectScope.run(key as string, () =>
      runtime.prompt(agent, { ...input, ...origin, ...(options.signal ? { signal: options.signal } : {}) }),
    );
  }

  /** The hosted project a call from project code runs in: `key` when hosted, else the one holding the agent, or the last. */
  private callerProject(key: string | undefined, agent: Agent): Hosted {
    const named = key === undefined ? undefined : this.hosted.get(key);
    if (named) return named;
    const holding = [...this.hosted.values()].filter((hosted) => hosted.project.agents.has(agent.slug));
    const last = this.last === undefined ? undefined : this.hosted.get(this.last);
    const fallback = holding.length === 1 ? holding[0] : last;
    if (!fallback) throw new KeystrokeError("unavailable", "This server hosts no project to run the agent in");
    return fallback;
  }

  /** Cancels a run executing in this process; false when none is. */
  cancel(runId: string): boolean {
    for (const { runtime } of this.hosted.values()) if (runtime.cancel(runId)) return true;
    return this.retired.some((runtime) => runtime.cancel(runId));
  }

  /** Cancels a run executing here or, with shared executions, in the live process holding it. */
  async cancelAnywhere(runId: string): Promise<boolean> {
    return this.cancel(runId) || ((await this.options.claims?.requestCancel(runId)) ?? false);
  }

  /** A session whose process died while holding it: recorded failed (interrupted). */
  async failOrphaned(runId: string): Promise<void> {
    const view = await this.options.store.getRun(runId);
    if (!view || statusCatalog[view.run.status].group === "finished") return;
    await this.options.ingest.submit(
      interruptedEvent(runId, view.run.lastSeq, "The process running this session stopped"),
    );
  }

  /**
   * Records the project's sessions that a stopped server left active as failed (interrupted).
   * With shared executions nothing is assumed: other processes may be running them, and the
   * sessions of a process that died are recorded interrupted when its leases run out.
   */
  failInterruptedRuns(key = this.last): Promise<string[]> {
    const hosted = key === undefined ? undefined : this.hosted.get(key);
    if (!hosted || this.options.claims) return Promise.resolve([]);
    const slugs = [...hosted.project.agents.keys()];
    return failInterruptedRuns(this.options.store, this.options.ingest, hosted.project.config.project, slugs);
  }

  /** Cancels every running prompt and waits for their runs to be recorded as canceled. */
  async close(): Promise<void> {
    this.uninstall?.();
    const runtimes = [...[...this.hosted.values()].map((hosted) => hosted.runtime), ...this.retired];
    for (const runtime of runtimes) for (const runId of runtime.activeRunIds()) runtime.cancel(runId);
    await Promise.all(runtimes.map((runtime) => runtime.settled()));
  }

  private async findSession(key: {
    project: string;
    slug: string;
    sessionId: string;
  }): Promise<RecordedSession | undefined> {
    const view = await this.options.store.getSession(key, { messages: { limit: PAGE } });
    if (!view) return undefined;
    const messages: Message[] = [...(view.messages?.items ?? [])];
    let cursor = view.messages?.nextCursor ?? null;
    while (cursor) {
      const next = await this.options.store.getRun(view.run.runId, { messages: { cursor, limit: PAGE } });
      messages.push(...(next?.messages?.items ?? []));
      cursor = next?.messages?.nextCursor ?? null;
    }
    return { runId: view.run.runId, messages: messages.map(({ id, role, parts }) => ({ id, role, parts })) };
  }
}
