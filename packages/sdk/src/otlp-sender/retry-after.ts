/**
 * How long a `Retry-After` header asks a client to wait: delay-seconds or an HTTP date (RFC 9110
 * §10.2.3). OTLP backends send either when they shed load (429, 503).
 */

/** The wait when the header is absent or unreadable. */
export const DEFAULT_RETRY_AFTER_MS = 1000;

/**
 * Milliseconds to wait before retrying, from 0 to `maxMs`: the seconds a header names, or the time
 * until the date it names (an HTTP date starts with its day name); `DEFAULT_RETRY_AFTER_MS`
 * (capped too) when absent or unreadable.
 *
 * @example
 * retryAfterMs("2", 30_000); // 2000
 * retryAfterMs("Wed, 21 Oct 2026 07:28:00 GMT", 30_000, Date.parse("2026-10-21T07:27:50Z")); // 10000
 */
export function retryAfterMs(header: string | null | undefined, maxMs: number, now = Date.now()): number {
  const cap = (ms: number) => Math.min(Math.max(ms, 0), maxMs);
  const value = header?.trim() ?? "";
  if (value === "") return cap(DEFAULT_RETRY_AFTER_MS);
  if (/^\d+(\.\d+)?$/.test(value)) return cap(Number(value) * 1000);
  const date = /^[A-Za-z]/.test(value) ? Date.parse(value) : Number.NaN;
  return cap(Number.isNaN(date) ? DEFAULT_RETRY_AFTER_MS : date - now);
}
