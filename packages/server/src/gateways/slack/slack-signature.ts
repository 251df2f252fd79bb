/**
 * Slack signs every request it sends: `X-Slack-Signature` is `v0=` and the hex HMAC-SHA256, under
 * the app's signing secret, of `v0:{X-Slack-Request-Timestamp}:{raw body}`. Checking it on the
 * exact bytes received (not re-serialised JSON), in constant time, and refusing timestamps more
 * than five minutes away (a replayed request) is what makes the events endpoint safe to expose.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** How far a request's timestamp may be from now: Slack's recommended five minutes. */
export const SLACK_TIMESTAMP_WINDOW_SECONDS = 5 * 60;

export interface SignedRequest {
  /** `X-Slack-Request-Timestamp`: Unix seconds. */
  timestamp: string | undefined;
  /** `X-Slack-Signature`: `v0=<hex>`. */
  signature: string | undefined;
  body: Buffer;
}

/**
 * The `X-Slack-Signature` value for `body` sent at `timestamp`.
 *
 * @example
 * signSlackRequest("secret", "1700000000", Buffer.from("{}")); // "v0=…"
 */
export function signSlackRequest(signingSecret: string, timestamp: string, body: Buffer | string): string {
  const hmac = createHmac("sha256", signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(body);
  return `v0=${hmac.digest("hex")}`;
}

/**
 * Why a request is not from Slack, or undefined when its signature and timestamp are good.
 *
 * @example
 * verifySlackSignature("secret", { timestamp, signature, body }) ?? "signed by Slack";
 */
export function verifySlackSignature(
  signingSecret: string,
  request: SignedRequest,
  nowSeconds = Math.floor(Date.now() / 1000),
): string | undefined {
  const { timestamp, signature, body } = request;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return "X-Slack-Request-Timestamp is missing or not Unix seconds";
  if (Math.abs(nowSeconds - Number(timestamp)) > SLACK_TIMESTAMP_WINDOW_SECONDS) {
    return "X-Slack-Request-Timestamp is more than five minutes from now";
  }
  if (!signature || !/^v0=[0-9a-f]{64}$/.test(signature)) return "X-Slack-Signature is missing or not v0=<hex>";
  const expected = Buffer.from(signSlackRequest(signingSecret, timestamp, body));
  const given = Buffer.from(signature);
  return timingSafeEqual(expected, given) ? undefined : "X-Slack-Signature does not match the body";
}
