/**
 * The raw trigger value a webhook records: the body, plus the request headers minus anything
 * that is a credential (authorization, cookies, the signature, any *token* / *secret* / *key*
 * header), so History shows what arrived without keeping a secret.
 */
import type { IncomingHttpHeaders } from "node:http";

const CREDENTIAL =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-keystroke-signature)$|token|secret|signature|api-key|apikey|password/i;

/**
 * @example
 * webhookValue(body, request.headers); // { body, headers: { "content-type": "application/json" } }
 */
export function webhookValue(
  body: unknown,
  headers: IncomingHttpHeaders,
): { body: unknown; headers: Record<string, string> } {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || CREDENTIAL.test(name)) continue;
    kept[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return { body, headers: kept };
}
