/**
 * The trigger state on SQLite, in the store's own file (migrations 4 and 5): `trigger_state`
 * keyed by trigger id, `trigger_deliveries` trimmed to the newest DELIVERY_HISTORY per trigger,
 * `trigger_signatures` for replay refusal, and `trigger_ticks` for ticks claimed once.
 */
import type Database from "better-sqlite3";
import {
  DELIVERY_HISTORY,
  type Delivery,
  type LeaseClaim,
  TICK_MEMORY_MS,
  type TriggerPatch,
  type TriggerRecord,
  type TriggerStateStore,
} from "./trigger-state-store.js";

interface Row {
  id: string;
  disabled: number;
  next_fire_at: number | null;
  last_fire_at: number | null;
  last_run_id: string | null;
  state: string | null;
  last_error: string | null;
  last_error_at: number | null;
  failures: number;
  lease_until: number | null;
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

function toRecord(row: Row): TriggerRecord {
  return {
    id: row.id,
    disabled: row.disabled === 1,
    nextFireAt: row.next_fire_at,
    lastFireAt: row.last_fire_at,
    lastRunId: row.last_run_id,
    state: row.state === null ? undefined : JSON.parse(row.state),
    lastError: row.last_error === null ? null : { message: row.last_error, at: row.last_error_at ?? 0 },
    failures: row.failures,
    leaseUntil: row.lease_until,
  };
}

/** Old ticks forgotten per claim at most, so a claim never pays for a long backlog at once. */
const TICK_PRUNE_BATCH = 100;

/** The column values of a patch, in `columns` order, as SQLite binds them. */
function bind(patch: TriggerPatch): { sets: string[]; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [key, column] of Object.entries(columns) as [keyof TriggerPatch, string][]) {
    if (!(key in patch)) continue;
    const value = patch[key];
    if (key === "lastError") {
      const error = value as TriggerRecord["lastError"];
      sets.push("last_error", "last_error_at");
      values.push(error?.message ?? null, error?.at ?? null);
    } else if (key === "state") {
      sets.push(column);
      values.push(value === undefined ? null : JSON.stringify(value));
    } else if (key === "disabled") {
      sets.push(column);
      values.push(value ? 1 : 0);
    } else {
      sets.push(column);
      values.push(value ?? null);
    }
  }
  return { sets, values };
}

/** @example const triggers = new SqliteTriggerStateStore(store.db); */
export class SqliteTriggerStateStore implements TriggerStateStore {
  private readonly statements;
  private readonly updateTx: (
    patches: readonly { id: string; patch: TriggerPatch }[],
    deliveries: readonly { id: string; delivery: Delivery }[],
  ) => void;
  private readonly upserts = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {
    this.statements = {
      get: db.prepare("SELECT * FROM trigger_state WHERE id = ?"),
      deliver: db.prepare(
        "INSERT INTO trigger_deliveries (trigger_id, at, outcome, run_id, reason) VALUES (?, ?, ?, ?, ?)",
      ),
      trim: db.prepare(
        `DELETE FROM trigger_deliveries WHERE trigger_id = ? AND no <= (
           SELECT no FROM trigger_deliveries WHERE trigger_id = ? ORDER BY no DESC LIMIT 1 OFFSET ?)`,
      ),
      deliveries: db.prepare(
        "SELECT at, outcome, run_id, reason FROM trigger_deliveries WHERE trigger_id = ? ORDER BY no DESC LIMIT ?",
      ),
      ofRun: db.prepare("SELECT trigger_id FROM trigger_deliveries WHERE run_id = ? LIMIT 1"),
      forget: db.prepare("DELETE FROM trigger_signatures WHERE expires_at <= ?"),
      claim: db.prepare("INSERT INTO trigger_signatures (signature, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING"),
      forgetTicks: db.prepare(
        `DELETE FROM trigger_ticks WHERE (id, tick) IN (
           SELECT id, tick FROM trigger_ticks WHERE tick < ? ORDER BY tick LIMIT ${TICK_PRUNE_BATCH})`,
      ),
      claimTick: db.prepare("INSERT INTO trigger_ticks (id, tick) VALUES (?, ?) ON CONFLICT DO NOTHING"),
      claimLease: db.prepare(
        `INSERT INTO trigger_state (id, next_fire_at, lease_until) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET next_fire_at = excluded.next_fire_at, lease_until = excluded.lease_until
          WHERE trigger_state.next_fire_at IS ?
            AND (trigger_state.lease_until IS NULL OR trigger_state.lease_until <= ? OR trigger_state.lease_until IS ?)`,
      ),
    };
    this.updateTx = db.transaction((patches, deliveries) => {
      for (const { id, patch } of patches) this.upsert(id, patch);
      for (const { id, delivery } of deliveries) {
        this.statements.deliver.run(id, delivery.at, delivery.outcome, delivery.runId, delivery.reason);
        this.statements.trim.run(id, id, DELIVERY_HISTORY);
      }
    });
  }

  async get(ids: readonly string[]): Promise<Map<string, TriggerRecord>> {
    const found = new Map<string, TriggerRecord>();
    for (const id of ids) {
      const row = this.statements.get.get(id) as Row | undefined;
      if (row) found.set(id, toRecord(row));
    }
    return found;
  }

  async update(
    patches: readonly { id: string; patch: TriggerPatch }[],
    deliveries: readonly { id: string; delivery: Delivery }[] = [],
  ): Promise<void> {
    this.updateTx(patches, deliveries);
  }

  async deliveries(id: string, limit: number): Promise<Delivery[]> {
    const rows = this.statements.deliveries.all(id, limit) as {
      at: number;
      outcome: Delivery["outcome"];
      run_id: string | null;
      reason: string | null;
    }[];
    return rows.map((row) => ({ at: row.at, outcome: row.outcome, runId: row.run_id, reason: row.reason }));
  }

  async triggerOfRun(runId: string): Promise<string | undefined> {
    return (this.statements.ofRun.get(runId) as { trigger_id: string } | undefined)?.trigger_id;
  }

  async claimSignature(signature: string, expiresAt: number, now: number): Promise<boolean> {
    this.statements.forget.run(now);
    return this.statements.claim.run(signature, expiresAt).changes === 1;
  }

  async claimTick(id: string, tick: number): Promise<boolean> {
    this.statements.forgetTicks.run(tick - TICK_MEMORY_MS);
    return this.statements.claimTick.run(id, tick).changes === 1;
  }

  async releaseLeases(): Promise<void> {
    this.db.prepare("UPDATE trigger_state SET lease_until = NULL WHERE lease_until IS NOT NULL").run();
  }

  async claimLease(id: string, claim: LeaseClaim): Promise<boolean> {
    const { expected, next, leaseUntil, now, held } = claim;
    return this.statements.claimLease.run(id, next, leaseUntil, expected, now, held ?? null).changes === 1;
  }

  /** INSERT … ON CONFLICT DO UPDATE of the patched columns; one prepared statement per column set. */
  private upsert(id: string, patch: TriggerPatch): void {
    const { sets, values } = bind(patch);
    const key = sets.join(",");
    let statement = this.upserts.get(key);
    if (!statement) {
      const names = ["id", ...sets];
      const updates = sets.length ? sets.map((c) => `${c} = excluded.${c}`).join(", ") : "id = id";
      statement = this.db.prepare(
        `INSERT INTO trigger_state (${names.join(", ")}) VALUES (${names.map(() => "?").join(", ")})
         ON CONFLICT (id) DO UPDATE SET ${updates}`,
      );
      this.upserts.set(key, statement);
    }
    statement.run(id, ...values);
  }
}
