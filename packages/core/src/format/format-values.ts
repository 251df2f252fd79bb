/**
 * How durations, costs and times read to a person, the same in a terminal and on the web page:
 * `1.2s`, `$0.0123`, `2026-11-28 10:00:03`, and "—" for a value that is not known. Browser-safe.
 */

/** What a missing value reads as. */
export const missingValue = "—";

const pad2 = (n: number) => String(n).padStart(2, "0");

/**
 * A duration at the scale it has; "—" when unknown.
 *
 * @example
 * formatDuration(850); // "850ms"
 * formatDuration(1234); // "1.2s"
 * formatDuration(185_000); // "3m 05s"
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return missingValue;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${pad2(seconds % 60)}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 1440) return `${Math.floor(minutes / 60)}h ${pad2(minutes % 60)}m`;
  return `${Math.floor(minutes / 1440)}d ${pad2(Math.floor((minutes % 1440) / 60))}h`;
}

/**
 * US dollars: four decimals under a dollar, cents above; "—" when unknown.
 *
 * @example
 * formatCost(0.01234); // "$0.0123"
 * formatCost(1234.5); // "$1,234.50"
 */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return missingValue;
  if (usd === 0) return "$0";
  if (usd < 0.0001) return "<$0.0001";
  if (usd < 1) return `$${usd.toFixed(4)}`;
  return `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/**
 * A time in the reader's zone, date first so it sorts as it reads; "—" when absent.
 *
 * @example
 * formatTime("2026-11-28T10:00:03Z"); // "2026-11-28 10:00:03" (in UTC)
 */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return missingValue;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  return `${date} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/**
 * formatTime with milliseconds, for tooltips and metadata.
 *
 * @example
 * formatPreciseTime("2026-11-28T10:00:03.120Z"); // "2026-11-28 10:00:03.120" (in UTC)
 */
export function formatPreciseTime(iso: string | null | undefined): string {
  if (!iso) return missingValue;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${formatTime(iso)}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}
