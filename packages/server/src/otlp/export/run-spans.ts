/**
 * Keystroke's own runs as GenAI-convention spans, built from the committed run events as they
 * are published. A run that records its own GenAI spans (the agent runtime records
 * `invoke_agent`, `chat` and `execute_tool` for every turn) is sent as those spans, each turn's
 * `invoke_agent` carrying the turn's messages. A run that records none (events ingested from
 * elsewhere) gets them built, per turn (the events up to a `run.finished`): one `invoke_agent`
 * root span holding the turn's conversation and usage, a `chat` span per model call and an
 * `execute_tool` span per tool call once its result is in, all carrying the session's
 * `gen_ai.conversation.id`. Each turn is a trace of its own: its trace and root span ids are
 * derived from the run id and the turn's first event id, so the spans of a turn share a trace
 * across batches, and a receiver sees every turn's root (ids shared by all turns would make it
 * drop the later ones as repeats).
 */
import { createHash } from "node:crypto";
import type { MessagePart, RunSummary, StoredEvent } from "@keystroke/core";
import { GenAI, Otel, toMillis } from "@keystroke/core";
import type { Attributes, AttributeValue } from "../otlp-model.js";
import type { SpanToEncode } from "../wire/encode-proto.js";

interface OpenCall {
  name: string;
  arguments: unknown;
  atMs: number;
}

/** What is kept of a run between its batches, until it finishes. */
interface GenAiMessage {
  role: string;
  parts: Record<string, unknown>[];
}

interface RunState {
  /** The turn's trace and root span ids. */
  traceId: string;
  rootSpanId: string;
  startMs: number;
  tokens: { input: number; output: number };
  input: GenAiMessage[];
  output: GenAiMessage[];
  /** Messages by id, so parts added later join their message. */
  messages: Map<string, GenAiMessage>;
  calls: Map<string, OpenCall>;
  /** The run records its own spans: send those instead of building them. */
  selfTraced: boolean;
}

const SPAN_KIND_CLIENT = 3;
const SPAN_KIND_INTERNAL = 1;

/** The trace and root span ids of the turn of `runId` whose first event is `turnEventId`. */
function turnIds(runId: string, turnEventId: string): { traceId: string; rootSpanId: string } {
  const digest = createHash("sha256").update(`${runId}\u0000turn\u0000${turnEventId}`).digest("hex");
  return { traceId: digest.slice(0, 32), rootSpanId: digest.slice(32, 48) };
}

const childId = (runId: string, key: string) =>
  createHash("sha256").update(`${runId}\u0000${key}`).digest("hex").slice(0, 16);

const asValue = (value: unknown): AttributeValue =>
  typeof value === "string" ? value : value === undefined ? null : JSON.stringify(value);

/** A Keystroke message part in the GenAI conventions' part shape. */
function genAiPart(part: MessagePart): Record<string, unknown> {
  switch (part.type) {
    case "text":
      return { type: "text", content: part.text };
    case "thought":
      return { type: "reasoning", content: part.text };
    case "tool_call":
      return { type: "tool_call", id: part.id, name: part.name, arguments: part.arguments };
    case "tool_result":
      return { type: "tool_call_response", id: part.id, response: part.error ?? part.result };
  }
}

/**
 * @example
 * const spans = new RunSpans();
 * bus.subscribeAll((batch) => queue.push(...spans.add(batch.run, batch.events)));
 */
export class RunSpans {
  private readonly runs = new Map<string, RunState>();

  constructor(private readonly maxOpenRuns = 10_000) {}

  /** The spans a committed batch completes. */
  add(run: RunSummary, events: readonly StoredEvent[]): SpanToEncode[] {
    const conversation: Attributes = run.sessionId ? { [GenAI.conversationId]: run.sessionId } : {};
    const spans: SpanToEncode[] = [];
    let state: RunState | undefined;
    for (const event of events) {
      const atMs = toMillis(event.time);
      state ??= this.state(run.runId, event.eventId, atMs);
      const { traceId, rootSpanId } = state;
      const base = { traceId, parentIsRemote: false, events: [], statusCode: 0, statusMessage: "" };
      if (event.type === "span.recorded" || (event.type === "model.called" && event.spanId)) state.selfTraced = true;
      switch (event.type) {
        case "message.added":
        case "message.part_added": {
          const parts = event.type === "message.added" ? event.message.parts : [event.part];
          if (event.type === "message.added") {
            const target = event.message.role === "assistant" ? state.output : state.input;
            target.push({ role: event.message.role, parts: parts.map(genAiPart) });
            state.messages.set(event.message.id, target.at(-1) as GenAiMessage);
          } else {
            const message = state.messages.get(event.messageId);
            if (message) message.parts.push(genAiPart(event.part));
            else state.output.push({ role: "assistant", parts: [genAiPart(event.part)] });
          }
          for (const part of parts) {
            if (part.type === "tool_call")
              state.calls.set(part.id, { name: part.name, arguments: part.arguments, atMs });
            if (part.type !== "tool_result" || state.selfTraced) continue;
            const call = state.calls.get(part.id);
            state.calls.delete(part.id);
            spans.push({
              ...base,
              spanId: childId(run.runId, `tool:${part.id}`),
              parentSpanId: rootSpanId,
              name: `execute_tool ${call?.name ?? part.name ?? "tool"}`,
              kind: SPAN_KIND_INTERNAL,
              startMs: call?.atMs ?? atMs,
              endMs: atMs,
              attributes: {
                ...conversation,
                [GenAI.operationName]: "execute_tool",
                [GenAI.toolName]: call?.name ?? part.name ?? "tool",
                [GenAI.toolCallId]: part.id,
                [GenAI.toolCallArguments]: asValue(call?.arguments),
                [GenAI.toolCallResult]: asValue(part.error ?? part.result),
              },
              ...(part.error ? { statusCode: 2, statusMessage: part.error.message } : {}),
            });
          }
          break;
        }
        case "model.called": {
          if (state.selfTraced) break;
          const u = event.usage;
          state.tokens.input += u.inputTokens ?? 0;
          state.tokens.output += u.outputTokens ?? 0;
          const attributes: Attributes = {
            ...conversation,
            [GenAI.operationName]: "chat",
            [GenAI.providerName]: event.provider,
            [GenAI.requestModel]: event.model,
            [GenAI.usageInputTokens]: u.inputTokens,
            [GenAI.usageOutputTokens]: u.outputTokens,
            [GenAI.usageCacheReadInputTokens]: u.cacheReadTokens,
            [GenAI.usageCacheWriteInputTokens]: u.cacheWriteTokens,
            [GenAI.usageReasoningOutputTokens]: u.reasoningTokens,
          };
          if (event.cost !== undefined) attributes[GenAI.usageCost] = event.cost;
          if (event.error) attributes[Otel.errorType] = event.error.name ?? "error";
          spans.push({
            ...base,
            spanId: childId(run.runId, `model:${event.callId}`),
            parentSpanId: rootSpanId,
            name: `chat ${event.model}`,
            kind: SPAN_KIND_CLIENT,
            startMs: atMs - (event.latencyMs ?? 0),
            endMs: atMs,
            attributes,
            ...(event.error ? { statusCode: 2, statusMessage: event.error.message } : {}),
          });
          break;
        }
        case "span.recorded": {
          const s = event.span;
          const attributes = { ...s.attributes } as Attributes;
          if (attributes[GenAI.operationName] === "invoke_agent") {
            attributes[GenAI.inputMessages] = JSON.stringify(state.input);
            attributes[GenAI.outputMessages] = JSON.stringify(state.output);
            if (run.actor.type === "user") attributes[Otel.userId] = run.actor.id;
            state.input = [];
            state.output = [];
            state.messages.clear();
          }
          spans.push({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId,
            parentIsRemote: false,
            name: s.name,
            kind: ["internal", "server", "client", "producer", "consumer"].indexOf(s.kind) + 1,
            startMs: toMillis(s.startTime),
            endMs: s.endTime ? toMillis(s.endTime) : toMillis(s.startTime),
            attributes,
            events: s.events.map((e) => ({
              name: e.name,
              timeMs: toMillis(e.time),
              attributes: e.attributes as Attributes,
            })),
            statusCode: ["unset", "ok", "error"].indexOf(s.status.code),
            statusMessage: s.status.message ?? "",
          });
          break;
        }
        case "run.finished":
          if (!state.selfTraced) spans.push(this.root(run, state, atMs, event.status, event.error?.message));
          this.runs.delete(run.runId);
          state = undefined;
          break;
        default:
          break;
      }
    }
    return spans;
  }

  private root(
    run: RunSummary,
    state: RunState,
    finished: number,
    status: string,
    error: string | undefined,
  ): SpanToEncode {
    const attributes: Attributes = {
      [GenAI.operationName]: "invoke_agent",
      [GenAI.agentName]: run.name,
      "keystroke.run.id": run.runId,
      "keystroke.agent.slug": run.slug,
      "keystroke.run.status": status,
      [GenAI.inputMessages]: JSON.stringify(state.input),
      [GenAI.outputMessages]: JSON.stringify(state.output),
      [GenAI.usageInputTokens]: state.tokens.input,
      [GenAI.usageOutputTokens]: state.tokens.output,
    };
    if (run.sessionId) attributes[GenAI.conversationId] = run.sessionId;
    if (run.actor.type === "user") attributes[Otel.userId] = run.actor.id;
    return {
      traceId: state.traceId,
      spanId: state.rootSpanId,
      parentSpanId: undefined,
      parentIsRemote: false,
      name: `invoke_agent ${run.name}`,
      kind: SPAN_KIND_INTERNAL,
      startMs: Math.min(state.startMs, finished),
      endMs: finished,
      attributes,
      events: [],
      statusCode: status === "failed" ? 2 : 0,
      statusMessage: status === "failed" ? (error ?? run.errorSummary ?? "failed") : "",
    };
  }

  /** The state of the run's current turn; a new turn starts at `eventId`. */
  private state(runId: string, eventId: string, atMs: number): RunState {
    let state = this.runs.get(runId);
    if (state === undefined) {
      if (this.runs.size >= this.maxOpenRuns) this.runs.delete(this.runs.keys().next().value as string);
      state = {
        ...turnIds(runId, eventId),
        startMs: atMs,
        tokens: { input: 0, output: 0 },
        input: [],
        output: [],
        messages: new Map(),
        calls: new Map(),
        selfTraced: false,
      };
      this.runs.set(runId, state);
    }
    return state;
  }
}
