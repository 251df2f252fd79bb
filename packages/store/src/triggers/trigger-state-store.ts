/**
 * What the trigger engine keeps between ticks and restarts, per trigger id (an attachment
 * `source:target`, or `poll/<source>` for a poll's own state): whether it is disabled, its next
 * due time, its last fire, the last run it started, a poll's cursor state, the last error, and a
 * bounded history of deliveries. Plus the webhook signatures seen recently, so a replay is refused,
 * and the scheduled ticks claimed recently, so replicas sharing the store fire each tick once.
 */

export type DeliveryOutcome = "started" | "skipped" | "filtered" | "failed";

export interface Delivery {
  /** Epoch milliseconds. */
  at: number;
  outcome: DeliveryOutcome;
  runId: string | null;
  reason: string | null;
}

export interface TriggerRecord {
  id: string;
  disabled: boolean;
  /** Epoch milliseconds of the next tick (cron, poll); null when not scheduled yet. */
  nextFireAt: number | null;
  lastFireAt: number | null;
  lastRunId: string | null;
  /** A poll's state as its last committed tick left it. */
  state: unknown;
  lastError: { message: string; at: number } | null;
  /** Failed ticks in a row (a poll's backoff). */
  failures: number;
  /**
   * Epoch milliseconds until which a poll's tick is in flight in some process (claimLease); null
   * or past when none is. The tick's commit clears it.
   */
  leaseUntil: number | null;
}

/** Fields of a record to change; absent ones are kept. */
export type TriggerPatch = Partial<Omit<TriggerRecord, "id">>;

/** Deliveries kept per trigger; older ones are dropped as new ones arrive. */
export const DELIVERY_HISTORY = 100;

/** Claimed ticks are remembered this long before the tick claimed last; older ones may be forgotten. */
export const TICK_MEMORY_MS = 7 * 24 * 60 * 60 * 1000;

export interface TriggerStateStore {
  /** The records of these ids that exist (no record: never fired, enabled, nothing scheduled). */
  get(ids: readonly string[]): Promise<Map<string, TriggerRecord>>;
  /**
   * Applies every patch (and records every delivery) in one transaction: a poll's state and the
   * deliveries of its tick are committed together, or not at all.
   */
  update(
    patches: readonly { id: string; patch: TriggerPatch }[],
    deliveries?: readonly { id: string; delivery: Delivery }[],
  ): Promise<void>;
  /** The newest deliveries of `id`, newest first. */
  deliveries(id: string, limit: number): Promise<Delivery[]>;
  /** The trigger id that started `runId`, if a delivery recorded it. */
  triggerOfRun(runId: string): Promise<string | undefined>;
  /**
   * Records a signature as seen until `expiresAt`; false when it was seen already (a replay).
   * Signatures past their expiry are forgotten.
   */
  claimSignature(signature: string, expiresAt: number, now: number): Promise<boolean>;
  /**
   * Records that the scheduled tick `tick` (epoch ms) of trigger `id` is being fired: true for
   * the first caller across every process sharing the store, false for any later one. Ticks
   * more than TICK_MEMORY_MS older than the one claimed may be forgotten (and claimed again).
   */
  claimTick(id: string, tick: number): Promise<boolean>;
  /**
   * Takes (or renews) the lease on the tick of `id` for one process: sets `nextFireAt` to `next`
   * and `leaseUntil`, only while the record's `nextFireAt` is still `expected` and no lease is live
   * at `now` other than `held` (the lease this caller holds, when it renews). True for the one
   * caller it succeeds for; a record that does not exist is created.
   */
  claimLease(id: string, claim: LeaseClaim): Promise<boolean>;
  /**
   * Forgets the leases no live process can hold, at a process's start: on a store one process
   * uses (SQLite), every lease, left by a process that died mid-tick; on a store processes share
   * (PostgreSQL), none, since another process may be ticking: those run out.
   */
  releaseLeases(): Promise<void>;
}

export interface LeaseClaim {
  expected: number | null;
  next: number | null;
  leaseUntil: number;
  now: number;
  held?: number;
}
