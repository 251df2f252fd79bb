/**
 * One tick of a poll source. `run({ state, setState })` returns the items found; each one that
 * passes `filter` starts a run on every attachment ticked; then the new state is committed in the
 * same transaction as the tick's deliveries. A crash before that commit leaves the old state, so
 * the next tick finds the same items again: delivery is at least once, and only the tick in
 * flight can be delivered twice. A poll that throws is recorded (lastError) and its next tick is
 * pushed back by an exponential backoff (2 s, 4 s … 5 min) beyond its schedule.
 */
import type { TriggerRecord, TriggerStateStore } from "@keystroke/store";
import type { PollSource, TriggerAttachment } from "keystroke/trigger";
import { commitOutcomes, messageOf, notStarted, type Outcome } from "./trigger-delivery.js";

/** The record id of a poll source's own state (`/` cannot appear in a slug). */
export const pollStateId = (slug: string): string => `poll/${slug}`;

const MAX_BACKOFF_MS = 5 * 60_000;

export interface PollTickDeps {
  state: TriggerStateStore;
  deliver(attachment: TriggerAttachment, payload: unknown, value: unknown): Promise<Outcome>;
}

/** What the tick did: its outcomes and when the next tick is due. */
export interface PollTickResult {
  outcomes: Outcome[];
  error?: string;
}

/**
 * Runs a tick for `attachments` and commits it; `next` is the scheduled next tick (or null).
 *
 * @example
 * await pollTick(deps, source, attachments, scheduled.next(Date.now()));
 */
export async function pollTick(
  deps: PollTickDeps,
  source: PollSource,
  attachments: readonly TriggerAttachment[],
  next: number | null,
): Promise<PollTickResult & { nextFireAt: number | null }> {
  const id = pollStateId(source.slug);
  const record: TriggerRecord | undefined = (await deps.state.get([id])).get(id);
  const state = record?.state !== undefined ? record.state : source.state;
  let pending = state;
  let items: unknown;
  const at = Date.now();
  try {
    items = await source.run({
      state: state === undefined ? undefined : structuredClone(state),
      setState: (value) => {
        pending = value === undefined ? undefined : structuredClone(value);
      },
    });
    if (!Array.isArray(items)) throw new Error(`run() returned ${typeof items}, not an array of items`);
  } catch (error) {
    const failures = (record?.failures ?? 0) + 1;
    const backoff = Math.min(1000 * 2 ** failures, MAX_BACKOFF_MS);
    const nextFireAt = Math.max(next ?? 0, at + backoff);
    const message = `Poll failed: ${messageOf(error)}`;
    await deps.state.update([{ id, patch: { failures, lastError: { message, at }, lastFireAt: at, nextFireAt } }]);
    return { outcomes: [], error: message, nextFireAt };
  }
  const outcomes: Outcome[] = [];
  for (const item of items) {
    let passes = true;
    let reason = "filter dropped the item";
    try {
      passes = source.filter ? Boolean(source.filter(item)) : true;
    } catch (error) {
      passes = false;
      reason = `filter threw: ${messageOf(error)}`;
    }
    if (!passes) {
      for (const attachment of attachments) outcomes.push(notStarted(attachment.id, "filtered", reason));
      continue;
    }
    for (const attachment of attachments) outcomes.push(await deps.deliver(attachment, item, item));
  }
  await commitOutcomes(deps.state, outcomes, [
    { id, patch: { state: pending, failures: 0, lastError: null, lastFireAt: at, nextFireAt: next } },
  ]);
  return { outcomes, nextFireAt: next };
}
