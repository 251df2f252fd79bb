/**
 * One tick of a poll source. `run({ state, setState })` returns the items found; each one that
 * passes `filter` starts a run on every attachment ticked; then the new state is committed in the
 * same transaction as the tick's deliveries. A crash before that commit leaves the old state, so
 * the next tick finds the same items again: delivery is at least once, and only the tick in
 * flight can be delivered twice. A poll that throws is recorded (lastError) and its next tick is
 * pushed back by an exponential backoff (2 s, 4 s … 5 min) beyond its schedule.
 *
 * Replicas sharing the store run a scheduled tick once, and one tick at a time: each claims the
 * tick it is at (claimScheduledPoll) under a lease on the poll, and which tick that is comes from
 * the store where it can, not from the replica's own clock — a duration schedule ("30s") counts
 * from the last tick committed, which every replica reads alike, and a backoff one replica
 * committed holds the others back too. The lease is what keeps two ticks from reading the same
 * state: while one is in flight (its source still running, its runs still starting), no other
 * process starts the next, so the next reads the state this one commits. The holder renews it
 * while it works; a holder killed mid-tick lets it run out (POLL_LEASE_MS) and another process
 * takes the poll over, and runs the tick that was in flight again (at least once). On SQLite,
 * which one process uses, a restarted server drops the lease its predecessor left at once.
 */
import type { LeaseClaim, TriggerRecord, TriggerStateStore } from "@keystroke/store";
import type { PollSource, TriggerAttachment } from "keystroke/trigger";
import { commitOutcomes, messageOf, notStarted, type Outcome } from "./trigger-delivery.js";
import type { Schedule } from "./trigger-schedule.js";

/** The record id of a poll source's own state (`/` cannot appear in a slug). */
export const pollStateId = (slug: string): string => `poll/${slug}`;

const MAX_BACKOFF_MS = 5 * 60_000;
/** How long a claimed tick holds the poll without a renewal; renewed every third of it while it runs. */
export const POLL_LEASE_MS = 15_000;
/** How soon a process that found the poll leased (or lost the claim) looks again. */
const BUSY_RETRY_MS = 1000;
/** How long "tick now" waits for a tick in flight in another process before it gives up. */
const TICK_NOW_WAIT_MS = 10_000;
/** Periods a stored tick is moved on at most in one claim (a poll down for long catches up in steps). */
const MAX_TICKS_SKIPPED = 1000;

export interface PollTickDeps {
  state: TriggerStateStore;
  deliver(attachment: TriggerAttachment, payload: unknown, value: unknown): Promise<Outcome>;
  /** The lease this tick holds: its renewals stop before the commit, which clears it. */
  lease?: HeldLease;
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
    await deps.lease?.stop();
    await deps.state.update([
      { id, patch: { failures, lastError: { message, at }, lastFireAt: at, nextFireAt, leaseUntil: null } },
    ]);
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
  await deps.lease?.stop();
  await commitOutcomes(deps.state, outcomes, [
    { id, patch: { state: pending, failures: 0, lastError: null, lastFireAt: at, nextFireAt: next, leaseUntil: null } },
  ]);
  return { outcomes, nextFireAt: next };
}

/**
 * Claims the tick a scheduled wake of `slug` is at, for this process alone, with the lease on the
 * poll. The tick is the stored next tick once it is due, moved on by whole periods while the
 * following one is due too (a tick whose claimant died does not hold back the ones after it); a
 * stored tick still ahead — committed by another process, or a backoff — is waited for, and so is
 * a tick in flight elsewhere; a poll that never ticked claims the tick it woke for. The claim
 * commits the next tick at once, before the tick's work, so the others read it instead of
 * computing their own from their clocks. Answers the tick and its lease, or when to look again.
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
): Promise<{ tick: number; lease: LeaseClaim } | { wakeAt: number | null }> {
  const id = pollStateId(slug);
  const record = (await state.get([id])).get(id);
  const stored = record?.nextFireAt ?? null;
  // Another process committed the next tick (or a backoff): wait for it rather than guess one.
  if (stored !== null && stored > now) return { wakeAt: stored };
  const leased = record?.leaseUntil ?? null;
  if (leased !== null && leased > now) return { wakeAt: Math.min(leased, now + BUSY_RETRY_MS) };
  let tick = stored ?? due;
  for (let skipped = 0; stored !== null && skipped < MAX_TICKS_SKIPPED; skipped++) {
    const next = schedule.next(tick);
    if (next === null || next > now) break;
    tick = next;
  }
  const lease: LeaseClaim = { expected: stored, next: schedule.next(tick), leaseUntil: now + POLL_LEASE_MS, now };
  if (!(await state.claimLease(id, lease))) return { wakeAt: now + BUSY_RETRY_MS };
  return { tick, lease };
}

/**
 * The lease for a tick asked for now (not scheduled): the stored next tick stays as it is. Waits
 * for a tick in flight in another process, up to TICK_NOW_WAIT_MS; undefined when it never ended.
 *
 * @example
 * const lease = await claimPollNow(state, "tickets");
 */
export async function claimPollNow(state: TriggerStateStore, slug: string): Promise<LeaseClaim | undefined> {
  const id = pollStateId(slug);
  for (const giveUp = Date.now() + TICK_NOW_WAIT_MS; Date.now() < giveUp; ) {
    const record = (await state.get([id])).get(id);
    const stored = record?.nextFireAt ?? null;
    const now = Date.now();
    const lease: LeaseClaim = { expected: stored, next: stored, leaseUntil: now + POLL_LEASE_MS, now };
    if (await state.claimLease(id, lease)) return lease;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

/** A lease this process holds while its tick runs. */
export interface HeldLease {
  /** Ends the renewals, after any renewal in flight has landed. */
  stop(): Promise<void>;
}

/**
 * Renews `lease` on `slug` every third of POLL_LEASE_MS until stopped (or until a renewal finds it
 * lost: the tick took longer than a lease without renewing, and another process took over).
 *
 * @example
 * const held = holdLease(state, "tickets", claim.lease);
 * await pollTick({ state, deliver, lease: held }, source, attachments, next);
 */
export function holdLease(state: TriggerStateStore, slug: string, lease: LeaseClaim): HeldLease {
  const id = pollStateId(slug);
  let held = lease.leaseUntil;
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    const now = Date.now();
    const until = now + POLL_LEASE_MS;
    renewing = state
      .claimLease(id, { expected: lease.next, next: lease.next, leaseUntil: until, now, held })
      .then((renewed) => {
        if (renewed) held = until;
        else clearInterval(timer);
      })
      .catch(() => undefined);
  }, POLL_LEASE_MS / 3);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await renewing;
    },
  };
}
