import { checkSchedule, checkSource, checkTimezone } from "./check-source.js";
import { attacher, type CronSource, triggerSourceBrand } from "./trigger-source.js";

export interface CronSourceDefinition<P> {
  slug: string;
  name: string;
  description: string;
  /** 5 fields (`"0 9 * * 1-5"`) or 6 with seconds first (`"*\/10 * * * * *"`). */
  schedule: string;
  /** IANA time zone; DST changes follow croner (a skipped local time fires at the next valid one). */
  timezone?: string;
  /** What each tick delivers (a transform-less workflow gets it as input); `{}` when absent. */
  payload?: P;
}

/**
 * Defines a schedule. Ticks missed while the server was down give one catch-up run at start.
 *
 * @example
 * export const weekdayMorning = defineCronSource({
 *   slug: "weekday-morning", name: "Weekday morning", description: "9:00 in Paris, Mon–Fri",
 *   schedule: "0 9 * * 1-5", timezone: "Europe/Paris",
 * }).attach({ workflow: dailyReport });
 */
export function defineCronSource<P = Record<string, never>>(definition: CronSourceDefinition<P>): CronSource<P> {
  checkSource(definition);
  checkSchedule(definition.slug, definition.schedule, false);
  checkTimezone(definition.slug, definition.timezone);
  const source: CronSource<P> = {
    [triggerSourceBrand]: true,
    kind: "cron",
    slug: definition.slug,
    name: definition.name,
    description: definition.description,
    schedule: definition.schedule.trim(),
    ...(definition.timezone ? { timezone: definition.timezone } : {}),
    payload: (definition.payload ?? {}) as P,
    attach: attacher(() => source),
  };
  return source;
}
