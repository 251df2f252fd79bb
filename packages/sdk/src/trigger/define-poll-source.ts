import { checkSchedule, checkSource, invalidTrigger } from "./check-source.js";
import { attacher, type PollContext, type PollSource, triggerSourceBrand } from "./trigger-source.js";

export interface PollSourceDefinition<P, S> {
  slug: string;
  name: string;
  description: string;
  /** A cron expression or a duration such as `"5m"`. */
  schedule: string;
  /** Returns the new items; each one that passes `filter` starts a run. */
  run(context: PollContext<S>): Promise<P[]> | P[];
  filter?: (item: P) => boolean;
  /** The state of the first tick. */
  state?: S;
}

/**
 * Defines a poll. `state` is committed only after the runs of the tick exist: delivery is at
 * least once, and only the tick in flight when the server dies may be delivered twice.
 *
 * @example
 * export const newTickets = definePollSource({
 *   slug: "new-tickets", name: "New tickets", description: "Tickets since the last tick",
 *   schedule: "1m",
 *   async run({ state, setState }) {
 *     const tickets = await fetchTicketsAfter(state?.cursor ?? 0);
 *     if (tickets.length) setState({ cursor: tickets.at(-1).id });
 *     return tickets;
 *   },
 * }).attach({ agent: support, prompt: (t) => t.text });
 */
export function definePollSource<P, S = unknown>(definition: PollSourceDefinition<P, S>): PollSource<P, S> {
  checkSource(definition);
  checkSchedule(definition.slug, definition.schedule, true);
  if (typeof definition.run !== "function") {
    throw invalidTrigger(definition.slug, "run", "needs run({ state, setState }) returning the items found");
  }
  if (definition.filter !== undefined && typeof definition.filter !== "function") {
    throw invalidTrigger(definition.slug, "filter", "filter must be a function (item) => boolean");
  }
  const source: PollSource<P, S> = {
    [triggerSourceBrand]: true,
    kind: "poll",
    slug: definition.slug,
    name: definition.name,
    description: definition.description,
    schedule: definition.schedule.trim(),
    run: definition.run,
    ...(definition.filter ? { filter: definition.filter } : {}),
    ...(definition.state !== undefined ? { state: definition.state } : {}),
    attach: attacher(() => source as unknown as PollSource<P>) as PollSource<P, S>["attach"],
  };
  return source;
}
