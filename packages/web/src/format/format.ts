/**
 * How numbers and times read on the page. Durations, costs and times come from core, so the page
 * and the CLI print them alike ("1.2s", "$0.0123", "2026-11-28 10:00:03", "—"); counts, relative
 * times and inline values are the page's own.
 */
import { missingValue } from "@keystroke/core";

export {
  formatCost,
  formatDuration,
  formatPreciseTime as formatFullTime,
  formatTime,
  missingValue,
} from "@keystroke/core";

const numberFormat = new Intl.NumberFormat("en-US");

/** @example formatCount(12345) // "12,345" */
export const formatCount = (n: number) => numberFormat.format(n);

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

/**
 * How long until a time to come, for a sleeping run's wake-up or a hook's deadline; "now" once
 * it has passed.
 *
 * @example formatUntil("2026-11-28T10:00:03Z", Date.parse("2026-11-28T10:00:00Z")) // "in 3 s"
 */
export function formatUntil(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "";
  const seconds = Math.ceil((Date.parse(iso) - now) / 1000);
  if (!Number.isFinite(seconds)) return "";
  if (seconds <= 0) return "now";
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `in ${hours} h`;
  return `in ${Math.floor(hours / 24)} d`;
}

/** A value as compact one-line JSON (strings as they are), for table cells. */
export function formatInline(value: unknown): string {
  if (value === undefined || value === null) return missingValue;
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/**
 * How long to wait, from a Retry-After's seconds, rounded up.
 *
 * @example formatWait(900) // "15 min"
 */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} s`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.ceil(seconds / 3600)} h`;
}
