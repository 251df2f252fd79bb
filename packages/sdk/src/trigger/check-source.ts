/**
 * Checks shared by the source definitions: slug, name and description like every primitive, an
 * IANA time zone, and the coarse shape of a cron expression. The server checks the expression
 * fully with croner when it loads the project (the same error, naming `schedule`).
 */
import { KeystrokeError } from "@keystroke/core";
import { checkPrimitive } from "../action/define-action.js";
import { sleepUntil } from "../workflow/duration.js";

const invalid = (slug: unknown, field: string, message: string, hint?: string) =>
  new KeystrokeError("invalid_input", `Trigger "${String(slug)}" ${message}`, {
    ...(hint ? { hint } : {}),
    details: { field },
  });

/** Slug, name and description. */
export function checkSource(definition: { slug?: unknown; name?: unknown; description?: unknown }): void {
  checkPrimitive("Trigger", definition);
}

/** A time zone the runtime knows, e.g. `Europe/Paris`. */
export function checkTimezone(slug: string, timezone: unknown): void {
  if (timezone === undefined) return;
  try {
    if (typeof timezone !== "string" || timezone === "") throw new RangeError("empty");
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    throw invalid(
      slug,
      "timezone",
      `timezone ${JSON.stringify(timezone)} is not an IANA time zone`,
      'e.g. "Europe/Paris" or "UTC"',
    );
  }
}

/** Five or six space-separated fields of cron characters (or a nickname such as @hourly). */
export function looksLikeCron(expression: string): boolean {
  const text = expression.trim();
  if (/^@(yearly|annually|monthly|weekly|daily|hourly)$/i.test(text)) return true;
  const fields = text.split(/\s+/);
  return (fields.length === 5 || fields.length === 6) && fields.every((f) => /^[\w*/,?#LW-]+$/i.test(f));
}

/**
 * The milliseconds of a duration such as "5m"; throws when `text` is none.
 *
 * @example
 * durationMs("1h30m"); // 5_400_000
 */
export function durationMs(text: string): number {
  return sleepUntil(text, 0);
}

/** True when `text` is a duration such as "30s" or "1h30m". */
export function isDuration(text: string): boolean {
  try {
    return sleepUntil(text, 0) > 0;
  } catch {
    return false;
  }
}

/** A cron expression (or, when `durations`, a duration like "5m"). */
export function checkSchedule(slug: string, schedule: unknown, durations: boolean): void {
  const ok = typeof schedule === "string" && (looksLikeCron(schedule) || (durations && isDuration(schedule)));
  if (!ok) {
    throw invalid(
      slug,
      "schedule",
      `schedule ${JSON.stringify(schedule)} is not a cron expression${durations ? " or a duration" : ""}`,
      durations
        ? 'Use 5 or 6 cron fields ("*/5 * * * *") or a duration ("5m", "1h")'
        : 'Use 5 fields ("0 9 * * 1-5") or 6 with seconds first ("*/10 * * * * *")',
    );
  }
}

export { invalid as invalidTrigger };
