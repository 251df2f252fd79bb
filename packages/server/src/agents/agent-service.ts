/**
 * The agents a server hosts: the loaded project's agents, the runtime that runs their prompts
 * (recording through the server's ingest queue, the one write path) and the sessions it reads
 * back from the store. A reload swaps the project; prompts already running finish on the code
 * they started with.
 */
import { type Actor, KeystrokeError, type Message, type RunSource, statusCatalog } from "@keystroke/core";
import type { RunStore } from "@keystroke/store";
import type { Agent, PromptResult } from "keystroke/agent";
import { AgentRuntime, installAgentHost, type RecordedSession, type RunClaims } from "keystroke/runtime";
import type { IngestQueue } from "../ingest/ingest-queue.js";
import type { LoadedProject } from "../projects/load-project.js";
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
}

const PAGE = 1000;

export class AgentService {
  private project: LoadedProject | undefined;
  private runtime: AgentRuntime | undefined;
  private uninstall: (() => void) | undefined;

  constructor(private readonly options: AgentServiceOptions) {}

  get projectSlug(): string | undefined {
    return this.project?.config.project;
  }

  /** The project served now (a reload replaces it), or undefined before one is loaded. */
  get current(): LoadedProject | undefined {
    return this.project;
  }

  /** Serves `project` from now on (a reload keeps the one runtime, so sessions stay in order). */
  use(project: LoadedProject): void {
    this.project = project;
    const settings = { project: project.config.project, providers: project.config.providers ?? {} };
    if (this.runtime) {
      this.runtime.reconfigure(settings);
      return;
    }
    this.runtime = new AgentRuntime({
      ...settings,
      sink: { append: (batch) => this.options.ingest.submit(batch) },
      sessions: { find: (key) => this.findSession(key) },
      env: this.options.env ?? process.env,
      maxRetries: this.options.maxRetries,
      ...(this.options.claims ? { leases: this.options.claims } : {}),
      stepTimeoutMs: this.options.stepTimeoutMs,
    });
    const runtime = this.runtime;
    this.uninstall = installAgentHost({
      prompt: (agent, { step, ...input }) =>
        runtime.prompt(
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
    });
  }

  list(): Agent[] {
    return [...(this.project?.agents.values() ?? [])].sort((a, b) => a.slug.localeCompare(b.slug));
  }

  get(slug: string): Agent {
    const agent = this.project?.agents.get(slug);
    if (agent && this.runtime) return agent;
    const known = this.list().map((a) => a.slug);
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
    signal?: AbortSignal,
  ): Promise<PromptResult> {
    const agent = this.get(slug);
    return (this.runtime as AgentRuntime).prompt(agent, { ...input, ...origin, ...(signal ? { signal } : {}) });
  }

  /** Cancels a run executing in this process; false when none is. */
  cancel(runId: string): boolean {
    return this.runtime?.cancel(runId) ?? false;
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
  failInterruptedRuns(): Promise<string[]> {
    if (!this.project || this.options.claims) return Promise.resolve([]);
    const slugs = [...this.project.agents.keys()];
    return failInterruptedRuns(this.options.store, this.options.ingest, this.project.config.project, slugs);
  }

  /** Cancels every running prompt and waits for their runs to be recorded as canceled. */
  async close(): Promise<void> {
    this.uninstall?.();
    const runtime = this.runtime;
    if (!runtime) return;
    for (const runId of runtime.activeRunIds()) runtime.cancel(runId);
    await runtime.settled();
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
