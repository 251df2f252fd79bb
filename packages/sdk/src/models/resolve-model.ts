/**
 * `vendor/model-id` → an AI SDK language model. Built-in vendors are anthropic, openai and the
 * offline demo; `keystroke.config.ts` adds OpenAI-compatible endpoints. Keys come from the
 * environment at the moment a prompt runs, so a missing key fails that prompt (recorded, with the
 * variable named) instead of the whole project.
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { KeystrokeError } from "@keystroke/core";
import type { ProviderConfig } from "../config/define-config.js";
import { demoModel } from "./demo-model.js";

export interface ResolvedModel {
  model: LanguageModelV3;
  /** The vendor as recorded on model calls: anthropic, openai, demo or the configured name. */
  provider: string;
  modelId: string;
}

type Environment = Record<string, string | undefined>;

function requireKey(env: Environment, variable: string, vendor: string): string {
  const key = env[variable];
  if (!key) {
    throw new KeystrokeError("invalid_input", `${variable} is not set, so ${vendor} models cannot be called`, {
      hint: `Set ${variable} in the environment of \`keystroke dev\`, or use a demo/… model to run offline`,
      details: { variable, vendor },
    });
  }
  return key;
}

export function resolveModel(
  spec: string,
  providers: Record<string, ProviderConfig> = {},
  env: Environment = process.env,
): ResolvedModel {
  const slash = spec.indexOf("/");
  const vendor = slash > 0 ? spec.slice(0, slash) : "";
  const modelId = spec.slice(slash + 1);
  if (!vendor || !modelId) {
    throw new KeystrokeError("invalid_input", `Model ${JSON.stringify(spec)} is not vendor/model-id`, {
      hint: 'Write it as "anthropic/claude-sonnet-4-5", "openai/gpt-5" or "demo/support"',
    });
  }
  switch (vendor) {
    case "demo":
      return { model: demoModel(modelId), provider: "demo", modelId };
    case "anthropic": {
      const anthropic = createAnthropic({
        apiKey: requireKey(env, "ANTHROPIC_API_KEY", "Anthropic"),
        ...(env.ANTHROPIC_BASE_URL ? { baseURL: env.ANTHROPIC_BASE_URL } : {}),
      });
      return { model: anthropic(modelId), provider: "anthropic", modelId };
    }
    case "openai": {
      const openai = createOpenAI({
        apiKey: requireKey(env, "OPENAI_API_KEY", "OpenAI"),
        ...(env.OPENAI_BASE_URL ? { baseURL: env.OPENAI_BASE_URL } : {}),
      });
      return { model: openai(modelId), provider: "openai", modelId };
    }
  }
  const configured = providers[vendor];
  if (!configured) {
    const known = ["anthropic", "openai", "demo", ...Object.keys(providers)];
    throw new KeystrokeError("invalid_input", `Unknown model vendor "${vendor}" in ${JSON.stringify(spec)}`, {
      hint: `Known vendors: ${known.join(", ")}. Declare an OpenAI-compatible endpoint under providers in keystroke.config.ts`,
      details: { vendor, known },
    });
  }
  const compatible = createOpenAICompatible({
    name: vendor,
    baseURL: configured.baseURL,
    ...(configured.apiKeyEnv ? { apiKey: requireKey(env, configured.apiKeyEnv, vendor) } : {}),
    ...(configured.headers ? { headers: configured.headers } : {}),
    includeUsage: true,
  });
  return { model: compatible(modelId), provider: vendor, modelId };
}
