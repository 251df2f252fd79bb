/**
 * One prompt turn of an agent: the AI SDK loop (model call → tools → model call …) with every
 * step recorded as it happens. Per model call: the assistant message (thought, text, tool calls),
 * tool results and errors as parts of that message, one `model.called` with usage, cost and
 * latency, and a `chat` span; the turn itself is an `invoke_agent` span.
 */

import type { ErrorPayload, Message, MessagePart, Usage } from "@keystroke/core";
import { GenAI, Otel } from "@keystroke/core";
import { modelCost } from "@keystroke/core/cost";
import { newEventId, newSpanId } from "@keystroke/core/ids";
import { type LanguageModelUsage, type ModelMessage, stepCountIs, streamText } from "ai";
import { type Agent, isAgent } from "../agent/define-agent.js";
import type { ResolvedModel } from "../models/resolve-model.js";
import { thinkingOptions } from "../models/thinking-options.js";
import { agentTools, type ToolRunContext } from "./agent-tools.js";
import { toErrorPayload } from "./error-payload.js";
import type { RunRecorder } from "./run-recorder.js";

export interface TurnInput {
  agent: Agent;
  resolved: ResolvedModel;
  history: ModelMessage[];
  message: string;
  recorder: RunRecorder;
  signal: AbortSignal;
  tools: Omit<ToolRunContext, "recorder" | "signal" | "traceId" | "turnSpanId">;
  traceId: string;
  turnSpanId: string;
  maxRetries: number;
  stepTimeoutMs: number;
}

export interface TurnOutcome {
  status: "success" | "failed" | "canceled";
  /** The assistant messages of the turn, tool results included. */
  messages: Message[];
  /** The last assistant text: what a subagent answers its parent. */
  text: string;
  error?: ErrorPayload;
}

export const toUsage = (usage: LanguageModelUsage | undefined): Usage => ({
  inputTokens: usage?.inputTokens ?? 0,
  outputTokens: usage?.outputTokens ?? 0,
  cacheReadTokens: usage?.inputTokenDetails?.cacheReadTokens ?? 0,
  cacheWriteTokens: usage?.inputTokenDetails?.cacheWriteTokens ?? 0,
  reasoningTokens: usage?.outputTokenDetails?.reasoningTokens ?? 0,
});

/** The state of the model call in progress. */
class Step {
  readonly spanId = newSpanId();
  lastChunkAt: Date;
  thought = "";
  text = "";
  message: Message | undefined;

  constructor(
    private readonly recorder: RunRecorder,
    readonly startedAt = new Date(),
  ) {
    this.lastChunkAt = startedAt;
  }

  /** Adds a part to this step's assistant message, recording the message on its first part. */
  add(part: MessagePart): void {
    const parts = [...this.takeText(), part];
    if (!this.message) {
      this.message = { id: `msg_${newEventId()}`, role: "assistant", parts };
      this.recorder.emit({ type: "message.added", message: structuredClone(this.message) });
      return;
    }
    for (const added of parts) {
      this.message.parts.push(added);
      this.recorder.emit({ type: "message.part_added", messageId: this.message.id, part: added });
    }
  }

  /** Records thought and text that arrived after the message (or the whole message when no tool was called). */
  settleText(): void {
    const [first, ...rest] = this.takeText();
    if (!first) return;
    this.add(first);
    for (const part of rest) this.add(part);
  }

  private takeText(): MessagePart[] {
    const parts: MessagePart[] = [];
    if (this.thought) parts.push({ type: "thought", text: this.thought });
    if (this.text) parts.push({ type: "text", text: this.text });
    this.thought = "";
    this.text = "";
    return parts;
  }
}

function recordModelCall(
  input: TurnInput,
  step: Step,
  response: { id?: string; modelId?: string } | undefined,
  usage: LanguageModelUsage | undefined,
  error?: ErrorPayload,
): void {
  const { recorder, resolved } = input;
  const model = response?.modelId || resolved.modelId;
  const used = toUsage(usage);
  const cost = modelCost(resolved.provider, model, used);
  const endTime = error ? new Date() : step.lastChunkAt;
  recorder.emit({
    type: "model.called",
    callId: response?.id || `call_${newEventId()}`,
    provider: resolved.provider,
    model,
    usage: used,
    ...(cost !== undefined ? { cost } : {}),
    latencyMs: endTime.getTime() - step.startedAt.getTime(),
    ...(response?.id ? { requestId: response.id } : {}),
    spanId: step.spanId,
    ...(error ? { error } : {}),
  });
  recorder.emit({
    type: "span.recorded",
    span: {
      traceId: input.traceId,
      spanId: step.spanId,
      parentSpanId: input.turnSpanId,
      name: `chat ${model}`,
      kind: "client",
      startTime: step.startedAt.toISOString(),
      endTime: endTime.toISOString(),
      status: error ? { code: "error", message: error.message } : { code: "ok" },
      attributes: {
        [GenAI.operationName]: "chat",
        [GenAI.providerName]: resolved.provider,
        [GenAI.requestModel]: resolved.modelId,
        [GenAI.responseModel]: model,
        [GenAI.usageInputTokens]: used.inputTokens,
        [GenAI.usageOutputTokens]: used.outputTokens,
        [GenAI.usageCacheReadInputTokens]: used.cacheReadTokens,
        [GenAI.usageReasoningOutputTokens]: used.reasoningTokens,
        ...(response?.id ? { [GenAI.responseId]: response.id } : {}),
        ...(error ? { [Otel.errorType]: error.name ?? "Error" } : {}),
      },
      events: [],
    },
  });
}

function timeoutError(ms: number): Error {
  const error = new Error(`The model did not answer within ${ms} ms`);
  error.name = "TimeoutError";
  return error;
}

/** Runs one turn to its end. Never throws for model or tool failures: they end the turn failed. */
export async function runAgentTurn(input: TurnInput): Promise<TurnOutcome> {
  const { agent, recorder } = input;
  const messages: Message[] = [];
  const toolContext: ToolRunContext = {
    ...input.tools,
    recorder,
    signal: input.signal,
    traceId: input.traceId,
    turnSpanId: input.turnSpanId,
  };
  const subagents = new Set(agent.tools.filter(isAgent).map((t) => t.slug));
  let step: Step | undefined;
  let failure: unknown;
  let aborted = false;
  let lastText = "";
  /** When the model was last asked: the start of the turn or the end of the previous step. */
  let askedAt = new Date();
  try {
    const result = streamText({
      model: input.resolved.model,
      system: agent.systemPrompt,
      messages: [...input.history, { role: "user", content: input.message }],
      tools: agentTools(agent, toolContext),
      stopWhen: stepCountIs(agent.maxSteps),
      abortSignal: input.signal,
      maxRetries: input.maxRetries,
      timeout: { stepMs: input.stepTimeoutMs },
      providerOptions: thinkingOptions(input.resolved.provider, agent.thinkingLevel),
      onError: () => {},
    });
    for await (const part of result.fullStream) {
      switch (part.type) {
        case "start-step":
          step = new Step(recorder);
          break;
        case "reasoning-delta":
          if (!step) break;
          step.thought += part.text;
          step.lastChunkAt = new Date();
          break;
        case "text-delta":
          if (!step) break;
          step.text += part.text;
          step.lastChunkAt = new Date();
          break;
        case "tool-call":
          if (!step) break;
          step.lastChunkAt = new Date();
          step.add({
            type: "tool_call",
            id: part.toolCallId,
            name: part.toolName,
            arguments: part.input,
            ...(subagents.has(part.toolName) ? { childRunId: input.tools.childRunId(part.toolCallId) } : {}),
          });
          break;
        case "tool-result":
          step?.add({ type: "tool_result", id: part.toolCallId, name: part.toolName, result: part.output });
          break;
        case "tool-error":
          step?.add({
            type: "tool_result",
            id: part.toolCallId,
            name: part.toolName,
            error: toErrorPayload(part.error),
          });
          break;
        case "finish-step":
          if (!step) break;
          step.settleText();
          recordModelCall(input, step, part.response, part.usage);
          lastText =
            step.message?.parts
              .filter((p) => p.type === "text")
              .map((p) => (p as { text: string }).text)
              .join("\n") || lastText;
          if (step.message) messages.push(step.message);
          step = undefined;
          askedAt = new Date();
          break;
        case "abort":
          // The AI SDK also aborts when a step outlives its timeout: that is a failure, not a cancel.
          if (input.signal.aborted) aborted = true;
          else failure ??= timeoutError(input.stepTimeoutMs);
          break;
        case "error":
          failure = part.error;
          break;
      }
    }
  } catch (thrown) {
    if (input.signal.aborted) aborted = true;
    else failure ??= thrown;
  }
  if (input.signal.aborted) aborted = true;
  if (!step && failure !== undefined) step = new Step(recorder, askedAt);
  if (step && (failure !== undefined || aborted)) {
    step.settleText();
    if (step.message) messages.push(step.message);
    recordModelCall(
      input,
      step,
      undefined,
      undefined,
      aborted ? { message: "Canceled", name: "AbortError" } : toErrorPayload(failure),
    );
  }
  if (aborted)
    return {
      status: "canceled",
      messages,
      text: lastText,
      error: { message: "The session was canceled", name: "Canceled" },
    };
  if (failure !== undefined) return { status: "failed", messages, text: lastText, error: toErrorPayload(failure) };
  return { status: "success", messages, text: lastText };
}
