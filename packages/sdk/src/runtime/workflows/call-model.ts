/**
 * One model call for `promptLlm`: resolved like an agent's model, recorded on the workflow run as
 * a `model.called` (tokens, cost, latency) and a `chat` span. With a JSON Schema the provider is
 * asked for structured output; promptLlm validates it against the zod schema.
 */

import { GenAI } from "@keystroke/core";
import { modelCost } from "@keystroke/core/cost";
import { newEventId, newSpanId, newTraceId } from "@keystroke/core/ids";
import { generateText, jsonSchema, Output } from "ai";
import type { ResolvedModel } from "../../models/resolve-model.js";
import type { LlmRequest } from "../../workflow/workflow-host.js";
import { toUsage } from "../agent-turn.js";
import { toErrorPayload } from "../error-payload.js";
import type { RunRecorder } from "../run-recorder.js";

export interface ModelCallOptions {
  resolved: ResolvedModel;
  recorder?: RunRecorder | undefined;
  signal?: AbortSignal | undefined;
  maxRetries: number;
  timeoutMs: number;
}

/** Calls the model once; resolves with its text (JSON text when a schema was given). */
export async function callModel(request: LlmRequest, options: ModelCallOptions): Promise<string> {
  const { resolved, recorder } = options;
  const startedAt = new Date();
  const spanId = newSpanId();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const result = await generateText({
      model: resolved.model,
      prompt: request.prompt,
      ...(request.system ? { system: request.system } : {}),
      ...(request.jsonSchema ? { output: Output.object({ schema: jsonSchema(request.jsonSchema) }) } : {}),
      maxRetries: options.maxRetries,
      abortSignal: signal,
    });
    const usage = toUsage(result.usage);
    const model = result.response.modelId || resolved.modelId;
    const cost = modelCost(resolved.provider, model, usage);
    recorder?.emit({
      type: "model.called",
      callId: result.response.id || `call_${newEventId()}`,
      provider: resolved.provider,
      model,
      usage,
      ...(cost !== undefined ? { cost } : {}),
      latencyMs: Date.now() - startedAt.getTime(),
      ...(result.response.id ? { requestId: result.response.id } : {}),
      spanId,
    });
    recordSpan(recorder, request, resolved, startedAt, spanId);
    return result.text;
  } catch (error) {
    const payload = toErrorPayload(error);
    recorder?.emit({
      type: "model.called",
      callId: `call_${newEventId()}`,
      provider: resolved.provider,
      model: resolved.modelId,
      usage: toUsage(undefined),
      latencyMs: Date.now() - startedAt.getTime(),
      spanId,
      error: payload,
    });
    recordSpan(recorder, request, resolved, startedAt, spanId, payload.message);
    throw error;
  }
}

function recordSpan(
  recorder: RunRecorder | undefined,
  request: LlmRequest,
  resolved: ResolvedModel,
  startedAt: Date,
  spanId: string,
  error?: string,
): void {
  recorder?.emit({
    type: "span.recorded",
    span: {
      traceId: newTraceId(),
      spanId,
      name: `chat ${resolved.modelId}`,
      kind: "client",
      startTime: startedAt.toISOString(),
      endTime: new Date().toISOString(),
      status: error ? { code: "error", message: error } : { code: "ok" },
      attributes: {
        [GenAI.operationName]: "chat",
        [GenAI.providerName]: resolved.provider,
        [GenAI.requestModel]: resolved.modelId,
        [GenAI.outputType]: request.jsonSchema ? "json" : "text",
      },
      events: [],
    },
  });
}
