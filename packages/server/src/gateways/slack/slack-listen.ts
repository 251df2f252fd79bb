/**
 * Which messages the agent answers. Always: an @-mention and a direct message. With
 * `listen: "mentions"` (the default), also every later message of a thread the agent is already
 * in, i.e. whose session exists; with `listen: "all"`, also every message in the configured
 * channels (every channel the bot is in when none are listed).
 */
import type { SlackChannel } from "./slack-api.js";
import type { SlackMessage } from "./slack-message.js";
import type { SlackGateway } from "./slack-settings.js";

/**
 * Whether `message`, written in `channel`, is for the agent; `hasSession` is asked only when it decides.
 *
 * @example
 * await isForAgent(message, gateway, channel, () => store.getSession(key).then(Boolean));
 */
export async function isForAgent(
  message: SlackMessage,
  gateway: Pick<SlackGateway, "listen" | "channels">,
  channel: SlackChannel,
  hasSession: () => Promise<boolean>,
): Promise<boolean> {
  if (message.via !== "message") return true;
  if (gateway.listen === "all" && listed(gateway.channels, channel)) return true;
  return message.inThread && (await hasSession());
}

function listed(channels: string[] | undefined, channel: SlackChannel): boolean {
  if (!channels) return true;
  return channels.includes(channel.id) || (channel.name !== undefined && channels.includes(channel.name));
}
