/**
 * The trigger state on PostgreSQL (migration 3), shared by every replica of a server: the same
 * records, deliveries, signatures and ticks as on SQLite, with the same semantics.
 *
 * Why patches are applied in id order: two replicas committing deliveries of the same triggers
 * then lock their records in one order and wait for each other instead of deadlocking; a
 * transaction PostgreSQL aborts anyway (deadlock, serialization) is run again, up to three times.
 *
 * Why pruning uses SKIP LOCKED: a claim deletes some forgotten signatures or ticks on its way,
 * and replicas claiming at the same moment would otherwise queue behind one another's deletes.
 * The claim itself is a single insert that the primary key arbitrates: one caller wins.
 */
import type pg from "pg";
import {
  DELIVERY_HISTORY,
  type Delivery,
  type LeaseClaim,
  TICK_MEMORY_MS,
  type TriggerPatch,
  type TriggerRecord,
  type TriggerStateStore,
} from "../triggers/trigger-state-store.js";
import { sqlState } from "./event-error.js";

/** bigint columns come back as strings from a pool without the store's type parser. */
type Bigint = number | string;

interface Row {
  id: string;
  disabled: boolean;
  next_fire_at: Bigint | null;
  last_fire_at: Bigint | null;
  last_run_id: string | null;
  /** Read as text: JSON `null` is a state, SQL NULL is none. */
  state: string | null;
  last_error: string | null;
  last_error_at: Bigint | null;
  failures: number;
  lease_until: Bigint | null;
}

const columns: Record<keyof TriggerPatch, string> = {
  disabled: "disabled",
  nextFireAt: "next_fire_at",
  lastFireAt: "last_fire_at",
  lastRunId: "last_run_id",
  state: "state",
  lastError: "last_error",
  failures: "failures",
  leaseUntil: "lease_until",
};

const ATTEMPTS = 3;
/** Deadlock detected, serialization failure. */
const RETRY = new Set(["40P01", "40001"]);
/** Old ticks forgotten per claim at most, so a claim never pays for a long backlog at once. */
const TICK_PRUNE_BATCH = 100;

const SELECT_RECORDS = `
  SELECT id, disabled, next_fire_at, last_fire_at, last_run_id, state::text AS state, last_error, last_error_at,
         failures, lease_until
    FROM trigger_state WHERE id = ANY($1::text[])`;

const INSERT_DELIVERIES = `
  INSERT INTO trigger_deliveries (trigger_id, at, outcome, run_id, reason)
  SELECT u.trigger_id, u.at, u.outcome, u.run_id, u.reason
    FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[])
         WITH ORDINALITY AS u (trigger_id, at, outcome, run_id, reason, ord)
   ORDER BY u.ord`;

const TRIM_DELIVERIES = `
  DELETE FROM trigger_deliveries WHERE no IN (
    SELECT old.no FROM unnest($1::text[]) AS t (id)
    CROSS JOIN LATERAL (
      SELECT no FROM trigger_deliveries WHERE trigger_id = t.id ORDER BY no DESC OFFSET $2
    ) AS old)`;

const FORGET_SIGNATURES = `
  DELETE FROM trigger_signatures WHERE signature IN (
    SELECT signature FROM trigger_signatures WHERE expires_at <= $1 FOR UPDATE SKIP LOCKED)`;

const CLAIM_SIGNATURE = "INSERT INTO trigger_signatures (signature, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING";

const CLAIM_TICK = `
  WITH forgotten AS (
    DELETE FROM trigger_ticks WHERE (id, tick) IN (
      SELECT id, tick FROM trigger_ticks WHERE tick < $3 ORDER BY tick LIMIT ${TICK_PRUNE_BATCH}
         FOR UPDATE SKIP LOCKED)
  )
  INSERT INTO trigger_ticks (id, tick) VALUES ($1, $2) ON CONFLICT DO NOTHING`;

const CLAIM_LEASE = `
  INSERT INTO trigger_state (id, next_fire_at, lease_until) VALUES ($1, $2, $3)
  ON CONFLICT (id) DO UPDATE SET next_fire_at = excluded.next_fire_at, lease_until = excluded.lease_until
   WHERE trigger_state.next_fire_at IS NOT DISTINCT FROM $4::bigint
     AND (trigger_state.lease_until IS NULL OR trigger_state.lease_until <= $5
          OR trigger_state.lease_until IS NOT DISTINCT FROM $6::bigint)`;

const millis = (value: Bigint | null): number | null => (value === null ? null : Number(value));

function toRecord(row: Row): TriggerRecord {
  return {
    id: row.id,
    disabled: row.disabled,
    nextFireAt: millis(row.next_fire_at),
    lastFireAt: millis(row.last_fire_at),
    lastRunId: row.last_run_id,
    state: row.state === null ? undefined : JSON.parse(row.state),
    lastError: row.last_error === null ? null : { message: row.last_error, at: millis(row.last_error_at) ?? 0 },
    failures: row.failures,
    leaseUntil: millis(row.lease_until),
  };
}

/** `INSERT … ON CONFLICT DO UPDATE` of the patched columns of one record. */
function upsert(id: string, patch: TriggerPatch): pg.QueryConfig {
  const names: string[] = [];
  const values: unknown[] = [id];
  for (const [key, column] of Object.entries(columns) as [keyof TriggerPatch, string][]) {
    if (!(key in patch)) continue;
    const value = patch[key];
    if (key === "lastError") {
      const error = value as TriggerRecord["lastError"];
      names.push("last_error", "last_error_at");
      values.push(error?.message ?? null, error?.at ?? null);
    } else if (key === "state") {
      names.push(column);
      values.push(value === undefined ? null : JSON.stringify(value));
    } else {
      names.push(column);
      values.push(key === "disabled" ? Boolean(value) : (value ?? null));
    }
  }
  const update = names.length
    ? `DO UPDATE SET ${names.map((name) => `${name} = excluded.${name}`).join(", ")}`
    : "DO NOTHING";
  return {
    text: `INSERT INTO trigger_state (${["id", ...names].join(", ")})
           VALUES (${values.map((_, i) => `$${i + 1}`).join(", ")}) ON CONFLICT (id) ${update}`,
    values,
  };
}

/**
 * @example
 * const store = await openPostgresStore({ connectionString, schema: "keystroke" });
 * const triggers = new PgTriggerStateStore(store.pool);
 */
export class PgTriggerStateStore implements TriggerStateStore {
  /** A pool whose connections use the store's schema (`PostgresRunStore.pool`). */
  constructor(readonly pool: pg.Pool) {}

  async get(ids: readonly string[]): Promise<Map<string, TriggerRecord>> {
    const found = new Map<string, TriggerRecord>();
    if (ids.length === 0) return found;
    const { rows } = await this.pool.query<Row>(SELECT_RECORDS, [ids]);
    for (const row of rows) found.set(row.id, toRecord(row));
    return found;
  }

  async update(
    patches: readonly { id: string; patch: TriggerPatch }[],
    deliveries: readonly { id: string; delivery: Delivery }[] = [],
  ): Promise<void> {
    if (patches.length === 0 && deliveries.length === 0) return;
    // A stable sort: patches of one id still apply in the order given.
    const ordered = [...patches].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const ids = deliveries.map((d) => d.id);
    await this.transaction(async (client) => {
      for (const { id, patch } of ordered) await client.query(upsert(id, patch));
      if (deliveries.length === 0) return;
      await client.query(INSERT_DELIVERIES, [
        ids,
        deliveries.map((d) => d.delivery.at),
        deliveries.map((d) => d.delivery.outcome),
        deliveries.map((d) => d.delivery.runId),
        deliveries.map((d) => d.delivery.reason),
      ]);
      await client.query(TRIM_DELIVERIES, [[...new Set(ids)], DELIVERY_HISTORY]);
    });
  }

  async deliveries(id: string, limit: number): Promise<Delivery[]> {
    const { rows } = await this.pool.query<{
      at: Bigint;
      outcome: Delivery["outcome"];
      run_id: string | null;
      reason: string | null;
    }>("SELECT at, outcome, run_id, reason FROM trigger_deliveries WHERE trigger_id = $1 ORDER BY no DESC LIMIT $2", [
      id,
      limit,
    ]);
    return rows.map((row) => ({ at: Number(row.at), outcome: row.outcome, runId: row.run_id, reason: row.reason }));
  }

  async triggerOfRun(runId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ trigger_id: string }>(
      "SELECT trigger_id FROM trigger_deliveries WHERE run_id = $1 LIMIT 1",
      [runId],
    );
    return rows[0]?.trigger_id;
  }

  async claimSignature(signature: string, expiresAt: number, now: number): Promise<boolean> {
    await this.pool.query(FORGET_SIGNATURES, [now]);
    const { rowCount } = await this.pool.query(CLAIM_SIGNATURE, [signature, expiresAt]);
    return rowCount === 1;
  }

  async claimTick(id: string, tick: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(CLAIM_TICK, [id, tick, tick - TICK_MEMORY_MS]);
    return rowCount === 1;
  }

  /** Replicas share this store: a lease may be another live process's, so leases run out instead. */
  async releaseLeases(): Promise<void> {}

  async claimLease(id: string, claim: LeaseClaim): Promise<boolean> {
    const { expected, next, leaseUntil, now, held } = claim;
    const { rowCount } = await this.pool.query(CLAIM_LEASE, [id, next, leaseUntil, expected, now, held ?? null]);
    return rowCount === 1;
  }

  /** Runs `work` in a transaction, again when PostgreSQL aborts it to break a deadlock. */
  private async transaction(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    // A connection whose rollback failed is in an unknown state: it is closed, not pooled again.
    let broken = false;
    try {
      for (let attempt = 1; ; attempt++) {
        await client.query("BEGIN");
        try {
          await work(client);
          await client.query("COMMIT");
          return;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => {
            broken = true;
          });
          const state = sqlState(error);
          if (broken || attempt >= ATTEMPTS || state === undefined || !RETRY.has(state)) throw error;
        }
      }
    } finally {
      client.release(broken);
    }
  }
}
