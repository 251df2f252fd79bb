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

export function toIso(millis: number): string {
  return new Date(millis).toISOString();
}
