/**
 * The secrets of sign-in: API keys (`ks_` + 32 random bytes, base64url), session, invite and
 * setup tokens (32 random bytes), and the one way the server keeps any of them — an HMAC-SHA256
 * under the server secret, so a leaked table holds nothing a caller can send. Lookups go by that
 * hash, which a caller cannot steer; a comparison of secrets in the clear uses timingSafeEqual.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const API_KEY_PREFIX = "ks_";

/** A new API key. */
export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** A new session, invite or setup token. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What the store keeps of a secret: its HMAC under the server secret, hex. */
export function hashSecret(serverSecret: Uint8Array, value: string): string {
  return createHmac("sha256", serverSecret).update(value).digest("hex");
}

/** `ks_abcd…wxyz`: how a key is shown after it was created. */
export function keyPreview(key: string): string {
  return `${key.slice(0, API_KEY_PREFIX.length + 4)}…${key.slice(-4)}`;
}

/** Equal strings, compared in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A device flow's user code: 8 letters without look-alikes, shown as ABCD-EFGH. */
export function newUserCode(): string {
  const alphabet = "BCDFGHJKLMNPQRSTVWXZ";
  const bytes = randomBytes(8);
  const letters = [...bytes].map((byte) => alphabet[byte % alphabet.length]).join("");
  return `${letters.slice(0, 4)}-${letters.slice(4)}`;
}
