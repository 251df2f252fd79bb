/**
 * Sends Slack Events API deliveries to a server the way Slack does: the JSON envelope, signed
 * with the app's signing secret (or deliberately not), with Slack's headers.
 */
import { signSlackRequest } from "../gateways/slack/slack-signature.js";

export interface SlackEventFields {
  type?: "app_mention" | "message";
  text?: string;
  user?: string;
  channel?: string;
  channel_type?: string;
  ts: string;
  thread_ts?: string;
  subtype?: string;
  bot_id?: string;
}

/**
 * An `event_callback` envelope around one event, with the legacy verification token and the
 * authorizations Slack includes (which must not end up in run records).
 *
 * @example
 * slackEnvelope("Ev1", { type: "app_mention", text: "<@UBOT> hi", ts: "1.1" });
 */
export function slackEnvelope(eventId: string, event: SlackEventFields): Record<string, unknown> {
  return {
    token: "legacy-verification-token",
    team_id: "T1",
    api_app_id: "A1",
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: "T1", user_id: "UBOT", is_bot: true }],
    event: { type: "message", user: "U1", channel: "C1", channel_type: "channel", event_ts: event.ts, ...event },
  };
}

export interface DeliveryOptions {
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Sign with this secret instead of the right one. */
  secret?: string;
  retryNum?: number;
}

/**
 * POSTs `body` to the server's Slack events endpoint, signed with `signingSecret`.
 *
 * @example
 * const { status, body } = await deliverSlackEvent(url, "secret", slackEnvelope("Ev1", { ts: "1.1" }));
 */
export async function deliverSlackEvent(
  serverUrl: string,
  signingSecret: string,
  envelope: unknown,
  options: DeliveryOptions = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const raw = JSON.stringify(envelope);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const response = await fetch(`${serverUrl}/api/gateways/slack/events`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": signSlackRequest(options.secret ?? signingSecret, timestamp, raw),
      ...(options.retryNum !== undefined
        ? { "x-slack-retry-num": String(options.retryNum), "x-slack-retry-reason": "http_timeout" }
        : {}),
    },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
