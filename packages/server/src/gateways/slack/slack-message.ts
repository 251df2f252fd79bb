/**
 * Reads a Slack Events API delivery as a message someone wrote to the agent, or says why it is
 * none of the agent's business. Bots' messages (ours included) are dropped here, so the agent
 * never answers itself in a loop; edits, deletions, joins and the other message subtypes start
 * nothing. Which of the remaining messages the agent answers depends on `listen` and on whether
 * the thread already has a session: the route decides that.
 */

/** The fields of a Slack `app_mention` or `message` event that the gateway reads. */
export interface SlackEvent {
  type?: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  channel?: string;
  channel_type?: string;
  team?: string;
}

/** The body of a delivery: `url_verification` or `event_callback`. */
export interface SlackEnvelope {
  type?: string;
  challenge?: string;
  team_id?: string;
  event_id?: string;
  event?: SlackEvent;
  [key: string]: unknown;
}

/** A message for the agent: where it was written, by whom, and the session of its thread. */
export interface SlackMessage {
  team: string;
  channel: string;
  user: string;
  /** The message's own timestamp (its id within the channel). */
  ts: string;
  /** The thread the answer goes to: the message's thread, or a new one under it. */
  threadTs: string;
  /** The message is a reply inside an existing thread. */
  inThread: boolean;
  /** The text with the bot's mention taken out. */
  text: string;
  /** `slack:{team}:{channel}:{thread}`: one session per thread. */
  sessionId: string;
  /** `mention`: the bot was @-mentioned; `direct`: a direct message; `message`: anything else. */
  via: "mention" | "direct" | "message";
}

/** Subtypes that are still a person writing; every other subtype (edits, deletions, joins…) is not. */
const writtenSubtypes = new Set(["file_share", "thread_broadcast"]);

/**
 * Takes the bot's mention (`<@U123>` or `<@U123|name>`) out of `text`.
 *
 * @example
 * stripMention("<@UBOT> where is my order?", "UBOT"); // "where is my order?"
 */
export function stripMention(text: string, botUserId: string | undefined): string {
  if (!botUserId) return text.trim();
  return text
    .replace(new RegExp(`<@${botUserId.replace(/[^A-Za-z0-9]/g, "")}(\\|[^>]*)?>`, "g"), " ")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

/**
 * The message in `envelope`, or `{ ignored: reason }`.
 *
 * @example
 * const read = readSlackMessage(envelope, "UBOT");
 * if ("ignored" in read) return;
 * read.sessionId; // "slack:T1:C1:1700000000.000100"
 */
export function readSlackMessage(
  envelope: SlackEnvelope,
  botUserId: string | undefined,
): SlackMessage | { ignored: string } {
  const event = envelope.event;
  if (envelope.type !== "event_callback" || !event) return { ignored: `a ${envelope.type ?? "typeless"} delivery` };
  if (event.type !== "app_mention" && event.type !== "message") return { ignored: `a ${event.type} event` };
  if (event.bot_id || event.subtype === "bot_message") return { ignored: "a bot's message" };
  if (botUserId && event.user === botUserId) return { ignored: "the bot's own message" };
  if (event.subtype && !writtenSubtypes.has(event.subtype)) return { ignored: `a ${event.subtype} message` };
  const team = envelope.team_id ?? event.team;
  const { channel, user, ts } = event;
  if (!team || !channel || !user || !ts) return { ignored: "a message without team, channel, user or ts" };
  const text = stripMention(event.text ?? "", botUserId);
  if (!text) return { ignored: "a message with no text for the agent" };
  const threadTs = event.thread_ts ?? ts;
  return {
    team,
    channel,
    user,
    ts,
    threadTs,
    inThread: event.thread_ts !== undefined && event.thread_ts !== ts,
    text,
    sessionId: `slack:${team}:${channel}:${threadTs}`,
    via: event.type === "app_mention" ? "mention" : event.channel_type === "im" ? "direct" : "message",
  };
}
