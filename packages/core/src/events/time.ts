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

/** The date part (`2026-11-28`) toMillis read last, and its midnight in epoch milliseconds. */
let cachedPrefix = "";
let cachedPrefixMs = Number.NaN;

/** The number the digits of `text` from `at` to `end` say, or -1 if one is no digit. */
function digitsAt(text: string, at: number, end: number): number {
  let value = 0;
  for (let i = at; i < end; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Milliseconds since the epoch of an ISO timestamp the schema already accepted. The stored form
 * (`2026-11-28T10:00:00.000Z`) is read by hand, its date part kept from the previous call as
 * toIso does: the store reads a time or two of every event it writes, and Date.parse of each was
 * a fortieth of an OTLP append. Any other form goes to Date.parse.
 *
 * @example
 * toMillis("1970-01-01T00:00:01.500Z"); // 1500
 */
export function toMillis(iso: string): number {
  if (iso.length !== 24 || iso.charCodeAt(23) !== 90 || iso.charCodeAt(19) !== 46 || iso.charCodeAt(10) !== 84) {
    return Date.parse(iso);
  }
  // The date part as the stored form writes it (`2026-11-28`), which Date.parse reads as ISO.
  if (
    iso.charCodeAt(4) !== 45 ||
    iso.charCodeAt(7) !== 45 ||
    digitsAt(iso, 0, 4) < 0 ||
    digitsAt(iso, 5, 7) < 0 ||
    digitsAt(iso, 8, 10) < 0
  ) {
    return Date.parse(iso);
  }
  const hours = digitsAt(iso, 11, 13);
  const minutes = digitsAt(iso, 14, 16);
  const seconds = digitsAt(iso, 17, 19);
  const ms = digitsAt(iso, 20, 23);
  if (
    iso.charCodeAt(13) !== 58 ||
    iso.charCodeAt(16) !== 58 ||
    hours < 0 ||
    hours > 23 ||
    minutes < 0 ||
    minutes > 59 ||
    seconds < 0 ||
    seconds > 59 ||
    ms < 0
  ) {
    return Date.parse(iso);
  }
  const timeOfDay = ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms;
  if (!iso.startsWith(cachedPrefix) || cachedPrefix === "") {
    const whole = Date.parse(iso);
    if (Number.isNaN(whole)) return whole;
    cachedPrefix = iso.slice(0, 10);
    cachedPrefixMs = whole - timeOfDay;
  }
  return cachedPrefixMs + timeOfDay;
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
