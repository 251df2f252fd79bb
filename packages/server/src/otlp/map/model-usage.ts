/**
 * Provider, model and token usage of a model-call span, read from the GenAI conventions (current
 * and older names), OpenInference and the AI SDK, and its cost when the sender gave none.
 */

import type { Usage } from "@keystroke/core";
import { AiSdk, GenAI, OpenInference } from "@keystroke/core";
import { modelCost } from "@keystroke/core/cost";
import type { Attributes } from "../otlp-model.js";
import { countAt, stringAt } from "./attribute-values.js";

/** GenAI provider names that contain a dot; the AI SDK's `openai.chat` style keeps the part before it. */
const dottedProviders = new Set([
  "azure.ai.openai",
  "azure.ai.inference",
  "gcp.gemini",
  "gcp.vertex_ai",
  "gcp.gen_ai",
  "aws.bedrock",
  "ibm.watsonx.ai",
]);

export function providerOf(a: Attributes): string {
  const raw = stringAt(
    a,
    GenAI.providerName,
    GenAI.system,
    OpenInference.llmProvider,
    OpenInference.llmSystem,
    AiSdk.modelProvider,
  );
  if (raw === undefined) return "unknown";
  const lower = raw.toLowerCase();
  return dottedProviders.has(lower) ? lower : (lower.split(".", 1)[0] as string);
}

export function modelOf(a: Attributes): string {
  return (
    stringAt(
      a,
      GenAI.responseModel,
      GenAI.requestModel,
      OpenInference.llmModelName,
      AiSdk.responseModel,
      AiSdk.modelId,
    ) ?? "unknown"
  );
}

export function usageOf(a: Attributes): Usage {
  return {
    inputTokens:
      countAt(
        a,
        GenAI.usageInputTokens,
        GenAI.usagePromptTokens,
        OpenInference.llmTokenCountPrompt,
        AiSdk.usageInputTokens,
        AiSdk.usagePromptTokens,
      ) ?? 0,
    outputTokens:
      countAt(
        a,
        GenAI.usageOutputTokens,
        GenAI.usageCompletionTokens,
        OpenInference.llmTokenCountCompletion,
        AiSdk.usageOutputTokens,
        AiSdk.usageCompletionTokens,
      ) ?? 0,
    cacheReadTokens:
      countAt(
        a,
        GenAI.usageCacheReadInputTokens,
        GenAI.usageCacheReadInputTokensLegacy,
        OpenInference.llmTokenCountCacheRead,
        AiSdk.usageCachedInputTokens,
        AiSdk.usageCacheReadTokens,
      ) ?? 0,
    cacheWriteTokens:
      countAt(
        a,
        GenAI.usageCacheWriteInputTokens,
        GenAI.usageCacheCreationInputTokens,
        GenAI.usageCacheCreationInputTokensLegacy,
        OpenInference.llmTokenCountCacheWrite,
        AiSdk.usageCacheWriteTokens,
      ) ?? 0,
    reasoningTokens:
      countAt(a, GenAI.usageReasoningOutputTokens, OpenInference.llmTokenCountReasoning, AiSdk.usageReasoningTokens) ??
      0,
  };
}

/** Prices already computed, by provider, model and usage: pricing is a large part of mapping a model call. */
const prices = new Map<string, number | undefined>();
const MAX_PRICES = 10_000;

/** The cost the sender recorded, or the price of the usage; undefined when neither is known. */
export function costOf(a: Attributes, provider: string, model: string, usage: Usage): number | undefined {
  const given = a[GenAI.usageCost] ?? a[OpenInference.llmCostTotal];
  if (typeof given === "number" && Number.isFinite(given) && given >= 0) return given;
  if (model === "unknown") return undefined;
  const key = `${provider}\u0000${model}\u0000${usage.inputTokens},${usage.outputTokens},${usage.cacheReadTokens},${usage.cacheWriteTokens},${usage.reasoningTokens}`;
  if (prices.has(key)) return prices.get(key);
  const cost = modelCost(provider, model, usage);
  if (prices.size >= MAX_PRICES) prices.clear();
  prices.set(key, cost);
  return cost;
}
