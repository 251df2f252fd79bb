/**
 * When a cron or poll source ticks next. Cron expressions go through croner (5 fields, or 6 with
 * seconds first; IANA time zones; DST as croner handles it: a local time skipped by a spring-
 * forward fires at the next valid time, a repeated one fires once). A poll may instead give a
 * duration ("5m"): the next tick is that long after the last.
 */
import { KeystrokeError } from "@keystroke/core";
import { Cron } from "croner";
import { durationMs, isDuration } from "keystroke/trigger";

export interface Schedule {
  /** The first tick strictly after `after` (epoch ms); null when the expression never fires again. */
  next(after: number): number | null;
}

/**
 * Parses a schedule, or throws `invalid_input` naming `schedule` (or `timezone`) and the source.
 *
 * @example
 * parseSchedule("0 9 * * 1-5", "Europe/Paris").next(Date.now());
 */
export function parseSchedule(schedule: string, timezone: string | undefined, source = "?"): Schedule {
  if (isDuration(schedule)) {
    const every = durationMs(schedule);
    return { next: (after) => after + every };
  }
  let cron: Cron;
  try {
    cron = new Cron(schedule, { paused: true, mode: "5-or-6-parts", ...(timezone ? { timezone } : {}) });
  } catch (error) {
    throw new KeystrokeError(
      "invalid_input",
      `Trigger "${source}" schedule ${JSON.stringify(schedule)} is not a valid cron expression: ${error instanceof Error ? error.message : String(error)}`,
      {
        hint: 'Use 5 fields ("0 9 * * 1-5") or 6 with seconds first ("*/10 * * * * *")',
        details: { field: "schedule", source },
      },
    );
  }
  try {
    cron.nextRun();
  } catch {
    throw new KeystrokeError("invalid_input", `Trigger "${source}" timezone ${JSON.stringify(timezone)} is not valid`, {
      hint: 'Give an IANA time zone such as "Europe/Paris"',
      details: { field: "timezone", source },
    });
  }
  return { next: (after) => cron.nextRun(new Date(after))?.getTime() ?? null };
}
