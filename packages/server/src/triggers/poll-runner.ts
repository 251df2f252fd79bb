/**
 * One tick of a poll source. `run({ state, setState })` returns the items found; each one that
 * passes `filter` starts a run on every attachment ticked; then the new state is committed in the
 * same transaction as the tick's deliveries. A crash before that commit leaves the old state, so
 * the next tick finds the same items again: delivery is at least once, and only the tick in
 * flight can be delivered twice. A poll that throws is recorded (lastError) and its next tick is
 * pushed back by an exponential backoff (2 s, 4 s … 5 min) beyond its schedule.
 *
 * Replicas sharing the store run a scheduled tick once: each claims the tick it is at
 * (claimScheduledPoll), and which tick that is comes from the store where it can, not from the
 * replica's own clock — a duration schedule ("30s") counts from the last tick committed, which
 * every replica reads alike, and a backoff one replica committed holds the others back too.
 */
import type { TriggerRecord, TriggerStateStore } from "@keystroke/store";
import type { PollSource, TriggerAttachment } from "keystroke/trigger";
import { commitOutcomes, messageOf, notStarted, type Outcome } from "./trigger-delivery.js";
import type { Schedule } from "./trigger-schedule.js";

/** The record id of a poll source's own state (`/` cannot appear in a slug). */
export const pollStateId = (slug: string): string => `poll/${slug}`;

const MAX_BACKOFF_MS = 5 * 60_000;
/** The key the first tick ever of a poll is claimed under, and how soon a replica that lost it looks again. */
const FIRST_TICK = 0;
const FIRST_TICK_RETRY_MS = 1000;
/** Periods a stored tick is moved on at most in one claim (a poll down for long catches up in steps). */
const MAX_TICKS_SKIPPED = 1000;

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

/**
 * Claims the tick a scheduled wake of `slug` is at, for this process alone. The tick is the
 * stored next tick once it is due, moved on by whole periods while the following one is due too
 * (a tick whose claimant died does not hold back the ones after it); a stored tick still ahead —
 * committed by another process, or a backoff — is waited for; a poll that never ticked claims its
 * first tick under one fixed key. The winner commits the next tick at once, before the tick's
 * work, so the others read it instead of computing their own from their clocks. Answers the tick
 * won, or when to wake again.
 *
 * @example
 * const claim = await claimScheduledPoll(state, "tickets", schedule, dueAt, Date.now());
 */
export async function claimScheduledPoll(
  state: TriggerStateStore,
  slug: string,
  schedule: Schedule,
  due: number,
  now: number,
): Promise<{ tick: number } | { wakeAt: number | null }> {
  const id = pollStateId(slug);
  const record = (await state.get([id])).get(id);
  const stored = record?.nextFireAt ?? null;
  // Another process committed the next tick (or a backoff): wait for it rather than guess one.
  if (stored !== null && stored > now) return { wakeAt: stored };
  if (stored === null) {
    // The first tick ever: every replica claims it under the same key, whatever its clock says.
    if (!(await state.claimTick(id, FIRST_TICK))) return { wakeAt: now + FIRST_TICK_RETRY_MS };
    await state.update([{ id, patch: { nextFireAt: schedule.next(due) } }]);
    return { tick: due };
  }
  let tick = stored;
  for (let skipped = 0; skipped < MAX_TICKS_SKIPPED; skipped++) {
    const next = schedule.next(tick);
    if (next === null || next > now) break;
    tick = next;
  }
  if (!(await state.claimTick(id, tick))) return { wakeAt: schedule.next(tick) };
  // Say at once which tick is next, so a replica that reads the record now waits for it.
  await state.update([{ id, patch: { nextFireAt: schedule.next(tick) } }]);
  return { tick };
}
