import { z } from "zod";

/**
 * An ISO 8601 timestamp with a zone, e.g. `2026-11-28T10:00:00.000Z`; any zone or precision is
 * accepted and stored in one form (UTC, milliseconds) so that times compare and display alike.
 */
export const isoTime = z.iso
  .datetime({ offset: true, error: "an ISO 8601 timestamp such as 2026-11-28T10:00:00.000Z" })
  .overwrite(canonicalIso);

/**
 * The UTC, millisecond form of a timestamp the schema accepted. Most producers already send that
 * form (24 characters, `.` then three digits, `Z`), which is kept as is without a Date round trip.
 * Zod runs an overwrite even after a failed check, so a value that is no time is left alone.
 */
export function canonicalIso(value: string): string {
  if (value.length === 24 && value.charCodeAt(23) === 90 && value.charCodeAt(19) === 46) return value;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? value : new Date(millis).toISOString();
}

/** Milliseconds since the epoch of an ISO timestamp the schema already accepted. */
export function toMillis(iso: string): number {
  return Date.parse(iso);
}

const MS_PER_DAY = 86_400_000;
/** Year 10000: from there on Date#toISOString writes an extended year. */
const LAST_PLAIN_MS = 253_402_300_800_000;
const twoDigits = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, "0"));
let cachedDay = Number.NaN;
let cachedDate = "";

/**
 * Epoch milliseconds as `2026-11-28T10:00:00.000Z`, exactly as Date#toISOString writes it. The
 * date part is kept from the previous call (the times of one batch share a day or two) and the time
 * of day is plain arithmetic: mapping OpenTelemetry spans formats several times per span, and a
 * Date per time was the largest cost of it.
 *
 * @example
 * toIso(0); // "1970-01-01T00:00:00.000Z"
 */
export function toIso(millis: number): string {
  const whole = Math.floor(millis);
  if (!(whole >= 0 && whole < LAST_PLAIN_MS)) return new Date(whole).toISOString();
  const day = Math.floor(whole / MS_PER_DAY);
  if (day !== cachedDay) {
    cachedDate = new Date(day * MS_PER_DAY).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let rest = whole - day * MS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const ms = rest - seconds * 1000;
  const msText = ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : `${ms}`;
  return `${cachedDate}${twoDigits[hours]}:${twoDigits[minutes]}:${twoDigits[seconds]}.${msText}Z`;
}
