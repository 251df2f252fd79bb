/**
 * How numbers and times read on the page: durations like "1.2 s", costs like "$0.0123",
 * absolute times in the reader's locale and relative ones like "3 min ago".
 */

/** @example formatDuration(1234) // "1.2 s" */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  const m = Math.round(s / 60);
  if (m < 1440) return `${Math.floor(m / 60)}h ${m % 60}m`;
  return `${Math.floor(m / 1440)}d ${Math.floor((m % 1440) / 60)}h`;
}

/** @example formatCost(0.01234) // "$0.0123" */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return "–";
  if (usd === 0) return "$0";
  if (usd < 0.0001) return "<$0.0001";
  if (usd < 1) return `$${usd.toFixed(4)}`;
  return `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

const numberFormat = new Intl.NumberFormat("en-US");

/** @example formatCount(12345) // "12,345" */
export const formatCount = (n: number) => numberFormat.format(n);

const dateTime = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium", hourCycle: "h23" });

/** @example formatTime("2026-11-28T10:00:00Z") // "Nov 28, 10:00:00" (in the reader's zone) */
export function formatTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : "–";
}

/** A time with its date, milliseconds and zone, for tooltips and metadata. */
export function formatFullTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const date = new Date(iso);
  return `${full.format(date)}.${String(date.getMilliseconds()).padStart(3, "0")}`;
}

/** @example formatRelative("2026-11-28T10:00:00Z", Date.parse("2026-11-28T10:03:00Z")) // "3 min ago" */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "";
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** A value as compact one-line JSON (strings as they are), for table cells. */
export function formatInline(value: unknown): string {
  if (value === undefined || value === null) return "–";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
