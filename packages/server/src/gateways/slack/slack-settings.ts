/**
 * The Slack gateway as a loaded project runs it: the config block with its secrets filled in from
 * the environment and its agent checked against the project. Done when the project loads, so a
 * wrong agent or a missing secret stops `keystroke dev` at once instead of failing the first
 * message someone sends in Slack.
 */
import { KeystrokeError } from "@keystroke/core";
import type { KeystrokeConfig } from "keystroke/config";

/** Slack's Web API. */
export const SLACK_API_URL = "https://slack.com/api/";

export interface SlackGateway {
  agent: string;
  signingSecret: string;
  botToken: string;
  apiUrl: string;
  listen: "mentions" | "all";
  /** Channel ids or names (without `#`) for `listen: "all"`; undefined means every channel. */
  channels: string[] | undefined;
}

const secrets = [
  { field: "signingSecret", env: "SLACK_SIGNING_SECRET" },
  { field: "botToken", env: "SLACK_BOT_TOKEN" },
] as const;

/**
 * The project's Slack gateway, or undefined when it has none. Throws `invalid_input` when the
 * gateway names an agent the project lacks, or a secret is neither in the config nor in `env`.
 *
 * @example
 * const slack = resolveSlackGateway(config, ["support"], process.env);
 * slack?.agent; // "support"
 */
export function resolveSlackGateway(
  config: KeystrokeConfig,
  agents: readonly string[],
  env: Record<string, string | undefined>,
): SlackGateway | undefined {
  const slack = config.gateways?.slack;
  if (!slack) return undefined;
  if (!agents.includes(slack.agent)) {
    throw new KeystrokeError(
      "invalid_input",
      `keystroke.config.ts: gateways.slack.agent "${slack.agent}" is not an agent of this project (${agents.length ? `its agents: ${agents.join(", ")}` : "it has none"})`,
      {
        hint: agents.length ? `Known agents: ${agents.join(", ")}` : "Add an agent under src/agents first",
        details: { field: "gateways.slack.agent", known: [...agents] },
      },
    );
  }
  const missing = secrets.filter(({ field, env: name }) => !(slack[field] || env[name]));
  if (missing.length) {
    const names = missing.map((m) => m.env).join(" and ");
    const fields = missing.map((m) => m.field).join(" or ");
    throw new KeystrokeError("invalid_input", `The Slack gateway has no ${fields}: set ${names}`, {
      hint: `Set ${names} in the environment (or gateways.slack.${missing[0]?.field} in keystroke.config.ts)`,
      details: { fields: missing.map((m) => `gateways.slack.${m.field}`), env: missing.map((m) => m.env) },
    });
  }
  return {
    agent: slack.agent,
    signingSecret: (slack.signingSecret || env.SLACK_SIGNING_SECRET) as string,
    botToken: (slack.botToken || env.SLACK_BOT_TOKEN) as string,
    apiUrl: slack.apiUrl ?? SLACK_API_URL,
    listen: slack.listen ?? "mentions",
    channels: slack.channels?.map((c) => c.trim().replace(/^#/, "")),
  };
}
