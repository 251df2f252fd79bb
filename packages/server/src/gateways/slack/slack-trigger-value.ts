/**
 * The raw trigger value a Slack run records: the delivery as Slack sent it, minus what is a
 * credential or says who else installed the app (the legacy verification `token`,
 * `authorizations`, `authed_users`, `authed_teams`, and any other `*token*` field), because run
 * records are read by everyone who can see History.
 */

const dropped = /token|^authorizations$|^authed_(users|teams)$|secret/i;

/**
 * A copy of `value` without credential fields, at any depth.
 *
 * @example
 * withoutCredentials({ token: "x", event: { text: "hi" } }); // { event: { text: "hi" } }
 */
export function withoutCredentials(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCredentials);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !dropped.test(key))
      .map(([key, item]) => [key, withoutCredentials(item)]),
  );
}
