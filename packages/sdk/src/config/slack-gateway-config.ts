/**
 * The `gateways.slack` block of `keystroke.config.ts`. Its shape is checked here, when the config
 * is evaluated; what needs the rest of the project (does the agent exist, are the secrets set) is
 * checked when the server loads the project.
 */
import { KeystrokeError, slugSchema } from "@keystroke/core";

/** Slack messages become sessions of one agent; its answers are posted back to the thread. */
export interface SlackGatewayConfig {
  /** The slug of the agent that answers. */
  agent: string;
  /** The app's signing secret; defaults to the `SLACK_SIGNING_SECRET` environment variable. */
  signingSecret?: string;
  /** The bot token (`xoxb-…`); defaults to the `SLACK_BOT_TOKEN` environment variable. */
  botToken?: string;
  /** Slack's Web API base URL; default `https://slack.com/api/`. */
  apiUrl?: string;
  /**
   * `"mentions"` (default): answer @-mentions, direct messages, and every later message of a thread
   * the agent is in. `"all"`: also answer every message in `channels`.
   */
  listen?: "mentions" | "all";
  /** Channel ids (`C0123…`) or names (`#support`) that `listen: "all"` applies to; all the bot is in when absent. */
  channels?: string[];
}

const invalid = (field: string, expected: string) =>
  new KeystrokeError("invalid_input", `keystroke.config.ts: gateways.slack.${field} must be ${expected}`, {
    hint: "See the Slack section of the README for the gateway's settings",
    details: { field: `gateways.slack.${field}` },
  });

/**
 * Throws `invalid_input` naming the field when `slack` is not a well-formed gateway block.
 *
 * @example
 * checkSlackGatewayConfig({ agent: "support", listen: "mentions" }); // passes
 */
export function checkSlackGatewayConfig(slack: SlackGatewayConfig): void {
  if (typeof slack !== "object" || slack === null) throw invalid("agent", "set: gateways.slack is { agent, … }");
  if (!slugSchema.safeParse(slack.agent).success) throw invalid("agent", "the slug of one of the project's agents");
  for (const field of ["signingSecret", "botToken"] as const) {
    if (slack[field] !== undefined && typeof slack[field] !== "string") throw invalid(field, "a string");
  }
  if (slack.apiUrl !== undefined && (typeof slack.apiUrl !== "string" || !/^https?:\/\/\S+$/.test(slack.apiUrl))) {
    throw invalid("apiUrl", "an http(s) URL");
  }
  if (slack.listen !== undefined && slack.listen !== "mentions" && slack.listen !== "all") {
    throw invalid("listen", '"mentions" or "all"');
  }
  if (
    slack.channels !== undefined &&
    (!Array.isArray(slack.channels) || slack.channels.some((c) => typeof c !== "string" || c.trim() === ""))
  ) {
    throw invalid("channels", "a list of channel ids or names");
  }
}
