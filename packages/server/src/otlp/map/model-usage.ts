/**
 * Provider, model and token usage of a model-call span, read from the GenAI conventions (current
 * and older names), OpenInference and the AI SDK, and its cost when the sender gave none.
 */
import type { Usage } from "@keystroke/core";
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
  const raw = stringAt(a, "gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system", "ai.model.provider");
  if (raw === undefined) return "unknown";
  const lower = raw.toLowerCase();
  return dottedProviders.has(lower) ? lower : (lower.split(".", 1)[0] as string);
}

export function modelOf(a: Attributes): string {
  return (
    stringAt(
      a,
      "gen_ai.response.model",
      "gen_ai.request.model",
      "llm.model_name",
      "ai.response.model",
      "ai.model.id",
    ) ?? "unknown"
  );
}

export function usageOf(a: Attributes): Usage {
  return {
    inputTokens:
      countAt(
        a,
        "gen_ai.usage.input_tokens",
        "gen_ai.usage.prompt_tokens",
        "llm.token_count.prompt",
        "ai.usage.inputTokens",
        "ai.usage.promptTokens",
      ) ?? 0,
    outputTokens:
      countAt(
        a,
        "gen_ai.usage.output_tokens",
        "gen_ai.usage.completion_tokens",
        "llm.token_count.completion",
        "ai.usage.outputTokens",
        "ai.usage.completionTokens",
      ) ?? 0,
    cacheReadTokens:
      countAt(
        a,
        "gen_ai.usage.cache_read.input_tokens",
        "gen_ai.usage.cache_read_input_tokens",
        "llm.token_count.prompt_details.cache_read",
        "ai.usage.cachedInputTokens",
        "ai.usage.inputTokenDetails.cacheReadTokens",
      ) ?? 0,
    cacheWriteTokens:
      countAt(
        a,
        "gen_ai.usage.cache_write.input_tokens",
        "gen_ai.usage.cache_creation.input_tokens",
        "gen_ai.usage.cache_creation_input_tokens",
        "llm.token_count.prompt_details.cache_write",
        "ai.usage.inputTokenDetails.cacheWriteTokens",
      ) ?? 0,
    reasoningTokens:
      countAt(
        a,
        "gen_ai.usage.reasoning.output_tokens",
        "llm.token_count.completion_details.reasoning",
        "ai.usage.reasoningTokens",
      ) ?? 0,
  };
}

/** Prices already computed, by provider, model and usage: pricing is a large part of mapping a model call. */
const prices = new Map<string, number | undefined>();
const MAX_PRICES = 10_000;

/** The cost the sender recorded, or the price of the usage; undefined when neither is known. */
export function costOf(a: Attributes, provider: string, model: string, usage: Usage): number | undefined {
  const given = a["gen_ai.usage.cost"] ?? a["llm.cost.total"];
  if (typeof given === "number" && Number.isFinite(given) && given >= 0) return given;
  if (model === "unknown") return undefined;
  const key = `${provider}\u0000${model}\u0000${usage.inputTokens},${usage.outputTokens},${usage.cacheReadTokens},${usage.cacheWriteTokens},${usage.reasoningTokens}`;
  if (prices.has(key)) return prices.get(key);
  const cost = modelCost(provider, model, usage);
  if (prices.size >= MAX_PRICES) prices.clear();
  prices.set(key, cost);
  return cost;
}
