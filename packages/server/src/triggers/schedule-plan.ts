/**
 * What the clock should hold for the loaded attachments, worked out from the stored records: a
 * due time per enabled cron attachment (`c|<id>`) and per poll source with an enabled attachment
 * (`p|<slug>`), the cron catch-ups at start (one per attachment whose stored tick passed while
 * the server was down), and the next ticks to store. Entries the clock already holds for an
 * unchanged schedule are left alone, so a reload moves nothing.
 */
import type { TriggerRecord } from "@keystroke/store";
import type { TriggerAttachment } from "keystroke/trigger";
import { pollStateId } from "./poll-runner.js";
import type { TriggerRegistry } from "./trigger-registry.js";

export const cronKey = (id: string) => `c|${id}`;
export const pollKey = (slug: string) => `p|${slug}`;

export interface SchedulePlan {
  /** Clock keys that stay; others are dropped. */
  keep: Set<string>;
  /** Clock entries to (re)set, with the schedule they were computed for. */
  set: { key: string; dueAt: number; shape: string }[];
  catchUps: { attachment: TriggerAttachment; tick: number; next: number | null }[];
  patches: { id: string; patch: { nextFireAt: number | null } }[];
}

/**
 * @example
 * const plan = planSchedule(registry, records, { atStart: true, now: Date.now(), current: (key) => … });
 */
export function planSchedule(
  registry: TriggerRegistry,
  records: ReadonlyMap<string, TriggerRecord>,
  options: { atStart: boolean; now: number; current(key: string): string | undefined; polling(slug: string): boolean },
): SchedulePlan {
  const { now, atStart } = options;
  const plan: SchedulePlan = { keep: new Set(), set: [], catchUps: [], patches: [] };
  for (const [slug, source] of registry.sources) {
    const schedule = registry.schedules.get(slug);
    if (source.kind === "webhook" || !schedule) continue;
    const shape = `${source.schedule} ${source.kind === "cron" ? (source.timezone ?? "") : ""}`;
    const attachments = registry.bySource.get(slug) ?? [];
    if (source.kind === "poll") {
      if (attachments.every((a) => records.get(a.id)?.disabled)) continue;
      const key = pollKey(slug);
      plan.keep.add(key);
      if (options.polling(slug) || options.current(key) === shape) continue;
      const stored = records.get(pollStateId(slug))?.nextFireAt ?? null;
      const computed = schedule.next(now);
      plan.set.push({
        key,
        shape,
        dueAt: stored === null || stored <= now ? now : Math.min(stored, computed ?? stored),
      });
      continue;
    }
    for (const attachment of attachments) {
      const record = records.get(attachment.id);
      if (record?.disabled) continue;
      const key = cronKey(attachment.id);
      plan.keep.add(key);
      if (options.current(key) === shape) continue;
      const next = schedule.next(now);
      const stored = record?.nextFireAt ?? null;
      if (atStart && stored !== null && stored <= now) plan.catchUps.push({ attachment, tick: stored, next });
      else plan.patches.push({ id: attachment.id, patch: { nextFireAt: next } });
      if (next !== null) plan.set.push({ key, shape, dueAt: next });
    }
  }
  return plan;
}
