/**
 * The time filter's values between the URL and the page's date inputs. The API takes `from`
 * and `to` as ISO times, epoch milliseconds or relative spans (`24h`, `7d`); a date input can
 * show only an absolute time, so anything else shows as empty rather than breaking the page.
 */

/**
 * A `from`/`to` value as a `datetime-local` input shows it (UTC), or "" when it is no absolute time.
 *
 * @example
 * dateInputValue("2026-11-27T09:30:00.000Z"); // "2026-11-27T09:30"
 * dateInputValue("24h"); // ""
 */
export function dateInputValue(value: string): string {
  if (value === "") return "";
  const date = new Date(/^\d+$/.test(value) ? Number(value) : value);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString().slice(0, 16);
}

/**
 * A `datetime-local` input's value (read as UTC) as the URL's ISO time, or "" when it is empty or incomplete.
 *
 * @example
 * dateParamValue("2026-11-27T09:30"); // "2026-11-27T09:30:00.000Z"
 */
export function dateParamValue(input: string): string {
  const date = new Date(`${input}Z`);
  return input === "" || Number.isNaN(date.getTime()) ? "" : date.toISOString();
}
