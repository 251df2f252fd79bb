/**
 * How a Slack message is recorded as the origin of a run: source `gateway`, the trigger label
 * "Slack · #channel" (History's trigger filter matches it), the raw delivery without its
 * credentials as the trigger value, and the Slack user as the actor (History's actor filter
 * matches their Slack user id).
 */
import type { PromptOrigin } from "../../agents/agent-service.js";
import type { SlackChannel } from "./slack-api.js";
import type { SlackEnvelope, SlackMessage } from "./slack-message.js";
import { withoutCredentials } from "./slack-trigger-value.js";

/**
 * The trigger label of a run started in `channel`.
 *
 * @example
 * slackTriggerLabel({ id: "C1", name: "support", direct: false }); // "Slack · #support"
 */
export function slackTriggerLabel(channel: SlackChannel): string {
  return channel.direct ? "Slack · direct message" : `Slack · #${channel.name ?? channel.id}`;
}

/**
 * @example
 * slackOrigin(message, channel, "Ada", envelope).actor; // { type: "gateway_user", id: "U1", name: "Ada" }
 */
export function slackOrigin(
  message: SlackMessage,
  channel: SlackChannel,
  userName: string | undefined,
  envelope: SlackEnvelope,
): PromptOrigin {
  return {
    source: "gateway",
    trigger: { label: slackTriggerLabel(channel), value: withoutCredentials(envelope) },
    actor: { type: "gateway_user", id: message.user, ...(userName ? { name: userName } : {}) },
  };
}
