import { KeystrokeError, slugSchema } from "@keystroke/core";
import { checkSlackGatewayConfig, type SlackGatewayConfig } from "./slack-gateway-config.js";

/** An OpenAI-compatible endpoint, usable as `name/model-id` in an agent's `model`. */
export interface ProviderConfig {
  /** e.g. `http://127.0.0.1:11434/v1` */
  baseURL: string;
  /** The environment variable holding the API key; none is sent when absent. */
  apiKeyEnv?: string;
  headers?: Record<string, string>;
}

export interface KeystrokeConfig {
  /**
   * The organization the project belongs to on a team server: what `keystroke deploy` and
   * `projects link` will use. The local server (`keystroke dev`) does not need it.
   */
  organization?: string;
  /** The project's slug: every run the project records is filed under it. */
  project: string;
  /** Extra model vendors: OpenAI-compatible endpoints, keyed by the vendor name agents use. */
  providers?: Record<string, ProviderConfig>;
  /** Where messages from chat tools reach an agent: `slack` (see the README's Slack section). */
  gateways?: { slack?: SlackGatewayConfig };
}

/**
 * The default export of `keystroke.config.ts`.
 *
 * @example
 * export default defineConfig({
 *   organization: "acme", project: "support",
 *   providers: { local: { baseURL: "http://127.0.0.1:11434/v1" } },
 * });
 */
export function defineConfig(config: KeystrokeConfig): KeystrokeConfig {
  for (const field of ["organization", "project"] as const) {
    if (field === "organization" && config.organization === undefined) continue;
    if (!slugSchema.safeParse(config[field]).success) {
      throw new KeystrokeError(
        "invalid_input",
        `keystroke.config.ts: ${field} ${JSON.stringify(config[field])} is not a slug`,
        {
          hint: "Use lowercase letters, digits, '.', '_' or '-'",
          details: { field },
        },
      );
    }
  }
  for (const [name, provider] of Object.entries(config.providers ?? {})) {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(name) || ["anthropic", "openai", "demo"].includes(name)) {
      throw new KeystrokeError("invalid_input", `keystroke.config.ts: provider name "${name}" is not allowed`, {
        hint: "Use lowercase letters, digits, '_' or '-', and not a built-in vendor (anthropic, openai, demo)",
        details: { field: `providers.${name}` },
      });
    }
    if (typeof provider.baseURL !== "string" || !/^https?:\/\//.test(provider.baseURL)) {
      throw new KeystrokeError(
        "invalid_input",
        `keystroke.config.ts: providers.${name}.baseURL must be an http(s) URL`,
        {
          details: { field: `providers.${name}.baseURL` },
        },
      );
    }
  }
  if (config.gateways?.slack !== undefined) checkSlackGatewayConfig(config.gateways.slack);
  return config;
}
