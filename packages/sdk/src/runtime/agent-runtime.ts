/**
 * The agent runtime of a host: runs prompts to a project's agents and records each session as
 * an agent run through a sink (the one write path). It owns what only a live process knows: which
 * runs are executing here (to cancel them) and the order of prompts within a session.
 */
import { type Actor, GenAI, KeystrokeError, type Message, Otel, type RunSource } from "@keystroke/core";
import { newEventId, newRunId, newSessionId, newSpanId, newTraceId } from "@keystroke/core/ids";
import type { Agent, PromptResult } from "../agent/define-agent.js";
import type { ProviderConfig } from "../config/define-config.js";
import { type ResolvedModel, resolveModel } from "../models/resolve-model.js";
import { runAgentTurn, type TurnOutcome } from "./agent-turn.js";
import { toModelMessages } from "./conversation.js";
import { toErrorPayload } from "./error-payload.js";
import { type RunEventSink, RunRecorder } from "./run-recorder.js";
import { SessionQueue } from "./session-queue.js";

/** A session as the store knows it: its run and its conversation so far. */
export interface RecordedSession {
  runId: string;
  messages: Message[];
}

export interface SessionDirectory {
  find(key: { project: string; slug: string; sessionId: string }): Promise<RecordedSession | undefined>;
}

export interface AgentRuntimeOptions {
  project: string;
  sink: RunEventSink;
  sessions: SessionDirectory;
  providers?: Record<string, ProviderConfig>;
  env?: Record<string, string | undefined>;
  /** Retries of a failed model request (429, 5xx). Default 2. */
  maxRetries?: number;
  /** A model call that takes longer fails the turn. Default 120 s. */
  stepTimeoutMs?: number;
  /** Resolves `vendor/model-id` instead of the built-in vendors (an embedding host, a benchmark). */
  resolveModel?: (spec: string) => ResolvedModel;
  /**
   * Leases on the sessions executing here, when processes share one database: a process that
   * dies mid-turn loses them and another records the session interrupted.
   */
  leases?: { hold(runId: string): Promise<void>; release(runId: string): Promise<void> };
}

export interface RuntimePromptOptions {
  message: string;
  sessionId?: string;
  source?: RunSource;
  trigger?: { label: string; value?: unknown };
  actor?: Actor;
  signal?: AbortSignal;
  /** The workflow step this prompt runs as: a new session gets `runId` and links to the step. */
  step?: { runId: string; stepId: string; childRunId: string } | undefined;
  /** The run id of a new session, chosen by the caller (a trigger answers with it before the turn ends). */
  runId?: string;
}

interface ParentLink {
  runId: string;
  toolCallId: string;
  traceId: string;
  spanId: string;
  childRunId: string;
  signal: AbortSignal;
  parentAgent: Agent;
}

const localActor: Actor = { type: "user", id: "local", name: "Local developer" };

export class AgentRuntime {
  private readonly sessions = new SessionQueue();
  private readonly running = new Map<string, AbortController>();
  private readonly idle = new Set<() => void>();

  constructor(private options: AgentRuntimeOptions) {}

  /**
   * Serves a reloaded project: later prompts use its slug and providers, prompts in flight finish
   * as they started, and the order of prompts within a session is kept across the change.
   */
  reconfigure(changes: Pick<AgentRuntimeOptions, "project" | "providers">): void {
    this.options = { ...this.options, ...changes };
  }

  /** Runs ids executing in this process now. */
  activeRunIds(): string[] {
    return [...this.running.keys()];
  }

  /** Cancels a run executing here; false when it is not running in this process. */
  cancel(runId: string): boolean {
    const controller = this.running.get(runId);
    if (!controller) return false;
    controller.abort(new KeystrokeError("conflict", "The session was canceled"));
    return true;
  }

  /** Resolves once no prompt is running (after `cancel`ing what should stop). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await new Promise<void>((resolve) => this.idle.add(resolve));
  }

  /**
   * Prompts `agent`; resolves when the turn has ended and is committed. Bad input (an empty
   * message) throws before anything is recorded; everything after — a missing API key, a model
   * or tool failure, a cancel — ends the recorded run failed or canceled and is answered, not thrown.
   */
  prompt(agent: Agent, options: RuntimePromptOptions): Promise<PromptResult> {
    if (typeof options.message !== "string" || options.message.trim() === "") {
      throw new KeystrokeError("invalid_input", "message is empty", {
        hint: 'Send the prompt as { "message": "…" } with some text',
        details: { field: "message" },
      });
    }
    const sessionId = options.sessionId ?? newSessionId();
    const key = `${this.options.project}\u0000${agent.slug}\u0000${sessionId}`;
    return this.sessions.run(key, async () => (await this.turn(agent, { ...options, sessionId })).result);
  }

  /** One recorded turn; `text` is the last assistant text, what a subagent answers its parent. */
  private async turn(
    agent: Agent,
    options: RuntimePromptOptions & { sessionId: string },
    parent?: ParentLink,
  ): Promise<{ result: PromptResult; text: string }> {
    const project = this.options.project;
    const existing = parent
      ? undefined
      : await this.options.sessions.find({ project, slug: agent.slug, sessionId: options.sessionId });
    const runId = existing?.runId ?? parent?.childRunId ?? options.step?.childRunId ?? options.runId ?? newRunId();
    const recorder = new RunRecorder(runId, this.options.sink);
    const controller = new AbortController();
    const abort = () => controller.abort();
    for (const signal of [options.signal, parent?.signal]) {
      if (signal?.aborted) controller.abort();
      signal?.addEventListener("abort", abort, { once: true });
    }
    this.running.set(runId, controller);
    const leases = this.options.leases;
    try {
      await leases?.hold(runId);
      if (existing) {
        recorder.emit({ type: "run.status_changed", status: "running", reason: "Follow-up prompt" });
      } else {
        recorder.emit({
          type: "run.created",
          kind: "agent",
          slug: agent.slug,
          name: agent.name,
          project,
          sessionId: options.sessionId,
          source: options.source ?? "api",
          trigger: options.trigger ?? { label: "API prompt" },
          actor: options.actor ?? localActor,
          ...(parent ? { parent: { runId: parent.runId, toolCallId: parent.toolCallId } } : {}),
          ...(options.step ? { parent: { runId: options.step.runId, stepId: options.step.stepId } } : {}),
          status: "queued",
        });
        recorder.emit({ type: "run.started" });
      }
      const userMessage: Message = {
        id: `msg_${newEventId()}`,
        role: "user",
        parts: [{ type: "text", text: options.message }],
      };
      recorder.emit({ type: "message.added", message: userMessage });
      const outcome = await this.execute(agent, options, existing?.messages ?? [], recorder, controller.signal, parent);
      recorder.emit({
        type: "run.finished",
        status: outcome.status,
        ...(outcome.status === "success" ? { output: { text: outcome.text } } : {}),
        ...(outcome.error && outcome.status !== "success" ? { error: outcome.error } : {}),
      });
      await this.settleRecording(recorder);
      const result: PromptResult = {
        sessionId: options.sessionId,
        runId,
        status: outcome.status,
        messages: [userMessage, ...outcome.messages],
        ...(outcome.error && outcome.status !== "success" ? { error: outcome.error } : {}),
      };
      return { result, text: outcome.text };
    } finally {
      await leases?.release(runId).catch(() => undefined);
      this.running.delete(runId);
      for (const signal of [options.signal, parent?.signal]) signal?.removeEventListener("abort", abort);
      if (this.running.size === 0) {
        for (const resolve of this.idle) resolve();
        this.idle.clear();
      }
    }
  }

  /**
   * Waits for the run's events to be committed. If the sink refused a batch (a tool result the
   * store cannot hold, say), the run is still closed — recorded failed with why — so it never
   * stays "running"; the prompt then fails with the sink's error.
   */
  private async settleRecording(recorder: RunRecorder): Promise<void> {
    try {
      await recorder.flush();
    } catch (error) {
      const closing = new RunRecorder(recorder.runId, this.options.sink);
      closing.emit({
        type: "run.finished",
        status: "failed",
        error: { ...toErrorPayload(error), message: `Recording this session failed: ${toErrorPayload(error).message}` },
      });
      await closing.flush().catch(() => {});
      throw error;
    }
  }

  private async execute(
    agent: Agent,
    { message, sessionId }: { message: string; sessionId: string },
    history: Message[],
    recorder: RunRecorder,
    signal: AbortSignal,
    parent: ParentLink | undefined,
  ): Promise<TurnOutcome> {
    const traceId = parent?.traceId ?? newTraceId();
    const turnSpanId = newSpanId();
    const startTime = new Date().toISOString();
    const turn = { traceId, turnSpanId, startTime, sessionId, parentSpanId: parent?.spanId };
    let resolved: ResolvedModel;
    let outcome: TurnOutcome;
    try {
      resolved =
        this.options.resolveModel?.(agent.model) ?? resolveModel(agent.model, this.options.providers, this.options.env);
    } catch (error) {
      outcome = { status: "failed", messages: [], text: "", error: toErrorPayload(error) };
      this.recordTurnSpan(recorder, agent, { ...turn, outcome });
      return outcome;
    }
    const childRunIds = new Map<string, string>();
    outcome = await runAgentTurn({
      agent,
      resolved,
      history: toModelMessages(history),
      message,
      recorder,
      signal,
      traceId,
      turnSpanId,
      maxRetries: this.options.maxRetries ?? 2,
      stepTimeoutMs: this.options.stepTimeoutMs ?? 120_000,
      tools: {
        childRunId: (toolCallId) => {
          const id = childRunIds.get(toolCallId) ?? newRunId();
          childRunIds.set(toolCallId, id);
          return id;
        },
        runSubagent: async (child, childMessage, link) => {
          recorder.emit({ type: "run.child_added", childRunId: link.childRunId, toolCallId: link.toolCallId });
          // The parent's events so far (its tool call above all) are committed before the child's first.
          await recorder.flush();
          const result = await this.turn(
            child,
            {
              message: childMessage,
              sessionId: newSessionId(),
              source: "agent",
              trigger: {
                label: `Subagent of ${agent.name}`,
                value: { parentRunId: recorder.runId, toolCallId: link.toolCallId },
              },
              actor: { type: "agent", id: recorder.runId, name: agent.name },
            },
            {
              runId: recorder.runId,
              toolCallId: link.toolCallId,
              traceId,
              spanId: link.spanId,
              childRunId: link.childRunId,
              signal,
              parentAgent: agent,
            },
          );
          if (result.result.status !== "success") {
            throw new Error(
              `Subagent ${child.slug} ${result.result.status}: ${result.result.error?.message ?? "no answer"}`,
            );
          }
          return result.text;
        },
      },
    });
    this.recordTurnSpan(recorder, agent, { ...turn, outcome, resolved });
    return outcome;
  }

  private recordTurnSpan(
    recorder: RunRecorder,
    agent: Agent,
    turn: {
      traceId: string;
      turnSpanId: string;
      startTime: string;
      sessionId: string;
      parentSpanId?: string | undefined;
      outcome: TurnOutcome;
      resolved?: ResolvedModel;
    },
  ): void {
    const { outcome } = turn;
    recorder.emit({
      type: "span.recorded",
      span: {
        traceId: turn.traceId,
        spanId: turn.turnSpanId,
        ...(turn.parentSpanId ? { parentSpanId: turn.parentSpanId } : {}),
        name: `invoke_agent ${agent.slug}`,
        kind: "internal",
        startTime: turn.startTime,
        endTime: new Date().toISOString(),
        status:
          outcome.status === "success"
            ? { code: "ok" }
            : { code: "error", message: outcome.error?.message ?? outcome.status },
        attributes: {
          [GenAI.operationName]: "invoke_agent",
          [GenAI.agentName]: agent.name,
          [GenAI.agentId]: agent.slug,
          [GenAI.conversationId]: turn.sessionId,
          [GenAI.requestModel]: agent.model,
          ...(turn.resolved ? { [GenAI.providerName]: turn.resolved.provider } : {}),
          [GenAI.systemInstructions]: agent.systemPrompt,
          ...(outcome.error ? { [Otel.errorType]: outcome.error.name ?? "Error" } : {}),
        },
        events: [],
      },
    });
  }
}
