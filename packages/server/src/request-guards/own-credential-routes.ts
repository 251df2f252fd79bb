/**
 * Routes other systems call with a credential of their own (a hook URL's token, a webhook
 * secret, Slack's signature). They are exempt from the same-origin check on state-changing
 * requests, and only from that: the Host check still applies to them, so a tunnel host that
 * forwards to them (e.g. for Slack) must be named with --allowed-host. A webhook source without a
 * secret has no credential: its route applies the same-origin check itself (webhook-routes.ts).
 */

/** Route prefixes exempt from the same-origin check. The one list; add new ones here. */
export const ROUTES_WITH_OWN_CREDENTIAL = ["/api/hooks/", "/api/triggers/", "/api/gateways/"] as const;

/**
 * Whether `path` (a route's pattern or a request path) is under a route with its own credential.
 *
 * @example
 * hasOwnCredential("/api/hooks/:token"); // true
 * hasOwnCredential("/api/runs/:runId/cancel"); // false
 */
export function hasOwnCredential(path: string): boolean {
  return ROUTES_WITH_OWN_CREDENTIAL.some((prefix) => path.startsWith(prefix) || path === prefix.slice(0, -1));
}
