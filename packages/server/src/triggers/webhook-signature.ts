/**
 * The signature of a webhook source that has a `secret`:
 *
 *   X-Keystroke-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * compared in constant time, with `t` within five minutes of the server's clock. Several `v1=`
 * values may be sent (a secret being rotated); one match is enough. Replays are refused by the
 * caller, which remembers each accepted signature until its window closes.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-keystroke-signature";
/** How far `t` may be from now, either way. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

/**
 * The header value for `body` signed at `time` (what a sender computes).
 *
 * @example
 * fetch(url, { method: "POST", body, headers: { "X-Keystroke-Signature": signWebhook(secret, body) } });
 */
export function signWebhook(secret: string, body: string | Buffer, time = Date.now()): string {
  const t = Math.floor(time / 1000);
  const mac = createHmac("sha256", secret).update(`${t}.`).update(body).digest("hex");
  return `t=${t},v1=${mac}`;
}

/**
 * Why the request is refused, or undefined when one `v1` matches; `accepted` is the matching
 * signature (the key the replay guard remembers) and its time.
 *
 * @example
 * const check = verifyWebhookSignature(secret, header, rawBody, Date.now());
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: Buffer,
  now: number,
): { refused: string } | { accepted: string; at: number } {
  if (!header) return { refused: "the X-Keystroke-Signature header is missing" };
  let t: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && value && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === "v1" && value && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (t === undefined || signatures.length === 0) {
    return { refused: "X-Keystroke-Signature must read t=<unix seconds>,v1=<hex HMAC-SHA256>" };
  }
  if (Math.abs(now - t * 1000) > SIGNATURE_TOLERANCE_MS) {
    return { refused: "the signature's timestamp is more than 5 minutes away from the server's clock" };
  }
  const expected = createHmac("sha256", secret).update(`${t}.`).update(body).digest();
  const match = signatures.find((hex) => timingSafeEqual(Buffer.from(hex, "hex"), expected));
  if (!match) return { refused: "the signature does not match the body (check the secret)" };
  return { accepted: `${t}.${match}`, at: t * 1000 };
}
