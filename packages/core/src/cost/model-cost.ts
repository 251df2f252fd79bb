/**
 * Cost of a model call in USD, from its token usage and model id, priced by
 * `@pydantic/genai-prices` (bundled price data; nothing is fetched). A subpath of its own
 * (`@keystroke/core/cost`) so that commands which never price anything don't load the table.
 */
import { calcPrice } from "@pydantic/genai-prices";
import type { Usage } from "../events/telemetry.js";

/** Provider names as Keystroke and OpenTelemetry write them → genai-prices provider ids. */
const providerIds: Record<string, string> = {
  anthropic: "anthropic",
  openai: "openai",
  "azure.ai.openai": "azure",
  azure: "azure",
  "gcp.gemini": "google",
  "gcp.vertex_ai": "google",
  google: "google",
  "aws.bedrock": "aws",
  bedrock: "aws",
  mistral_ai: "mistral",
  mistral: "mistral",
  groq: "groq",
  deepseek: "deepseek",
  x_ai: "x-ai",
  xai: "x-ai",
  cohere: "cohere",
  perplexity: "perplexity",
  openrouter: "openrouter",
};

/**
 * Prices one model call. `usage.inputTokens` is the whole input, cached tokens included (as the
 * GenAI conventions and the AI SDK count it). Returns undefined when the model has no known price,
 * so History shows "unknown" rather than a wrong $0.
 *
 * @example
 * modelCost("anthropic", "claude-sonnet-4-5", { inputTokens: 1000, outputTokens: 100, ... }) // 0.0045
 */
export function modelCost(provider: string, model: string, usage: Usage): number | undefined {
  const providerId = providerIds[provider.toLowerCase()];
  const tokens = {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_read_tokens: Math.min(usage.cacheReadTokens, usage.inputTokens),
    cache_write_tokens: Math.min(usage.cacheWriteTokens, Math.max(0, usage.inputTokens - usage.cacheReadTokens)),
  };
  try {
    const price = calcPrice(tokens, model, providerId ? { providerId } : undefined);
    return price ? price.total_price : undefined;
  } catch {
    return undefined;
  }
}
