/**
 * Hook tokens. A hook's URL is its credential, so the token is 32 bytes an outsider cannot guess:
 * an HMAC-SHA256 of the run and step under the server's secret. Deriving it (rather than drawing
 * it at random) lets a replay hand the workflow the same `resumeUrl` again and lets the run's
 * detail show it, while the store keeps only its SHA-256.
 */
import { createHash, createHmac } from "node:crypto";

/** The token of the hook at `stepId` of `runId` (base64url, 43 characters). */
export function hookToken(secret: Uint8Array, runId: string, stepId: string): string {
  return createHmac("sha256", secret).update(`hook\u0000${runId}\u0000${stepId}`).digest("base64url");
}

/** What the store keeps of a token, and looks a presented token up by. */
export function hashHookToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
