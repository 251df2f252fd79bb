/**
 * The scheduler on PostgreSQL (migration 2), shared by every replica and worker on the database:
 * `timers` indexed by due time and `hooks` keyed by the token's hash, with the semantics of the
 * conformance suite. Claims take rows with `FOR UPDATE SKIP LOCKED` and lease them, so two
 * processes never deliver one timer at once and a process killed while handling one loses it when
 * its lease runs out. Each process's loop sleeps until the earliest due time it knows of, but at
 * most `pollMs`: another process may have scheduled an earlier one.
 *
 * Why not pg-boss: a workflow timer is moved when a sleep is rescheduled, claimed with a lease
 * chosen at claim time, delivered earliest first, and tested against an explicit clock. pg-boss
 * leases are fixed when a job is sent and never renewed, expired jobs are found by a maintenance
 * sweep, its fetch orders by priority and creation, and a queued job cannot be moved — each would
 * have to be worked around under the library. Two tables and SKIP LOCKED give exactly the
 * contract, in the same database as the runs.
 */
import type pg from "pg";
import { DeliveryLoop } from "../scheduler/delivery-loop.js";
import type { DueTimer, HookInput, HookRecord, HookTake, Scheduler, TimerInput } from "../scheduler/scheduler.js";

const LEASE_MS = 30_000;

export interface PgSchedulerOptions {
  /** The longest the loop sleeps before looking for timers another process scheduled; 1 s by default. */
  pollMs?: number;
}

interface TimerRow {
  run_id: string;
  key: string;
  kind: TimerInput["kind"];
  due_at: number;
  attempts: number;
}

interface HookRow {
  token_hash: string;
  run_id: string;
  step_id: string;
  expires_at: number | null;
  schema: unknown;
  created_at: number;
  used_at: number | null;
  outcome: HookRecord["outcome"];
}

function toHook(row: HookRow): HookRecord {
  return {
    tokenHash: row.token_hash,
    runId: row.run_id,
    stepId: row.step_id,
    expiresAt: row.expires_at,
    schema: row.schema ?? null,
    createdAt: row.created_at,
    usedAt: row.used_at,
    outcome: row.outcome,
  };
}

const toDue = (row: TimerRow): DueTimer => ({
  runId: row.run_id,
  key: row.key,
  kind: row.kind,
  dueAt: row.due_at,
  attempt: row.attempts,
});

/** @example const scheduler = new PgScheduler(store.pool); scheduler.start(handler); */
export class PgScheduler implements Scheduler {
  private readonly loop: DeliveryLoop;

  constructor(
    private readonly pool: pg.Pool,
    options: PgSchedulerOptions = {},
  ) {
    this.loop = new DeliveryLoop(this, { maxSleepMs: options.pollMs ?? 1000, leaseMs: LEASE_MS });
  }

  async schedule(timer: TimerInput): Promise<void> {
    await this.pool.query(
      `INSERT INTO timers (run_id, key, kind, due_at, lease_until, attempts) VALUES ($1, $2, $3, $4, 0, 0)
       ON CONFLICT (run_id, key) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at, lease_until = 0, attempts = 0`,
      [timer.runId, timer.key, timer.kind, Math.floor(timer.dueAt)],
    );
    this.loop.scheduled(timer.dueAt);
  }

  async unschedule(runId: string, key?: string): Promise<void> {
    if (key === undefined) await this.pool.query("DELETE FROM timers WHERE run_id = $1", [runId]);
    else await this.pool.query("DELETE FROM timers WHERE run_id = $1 AND key = $2", [runId, key]);
  }

  async nextDue(): Promise<number | null> {
    const { rows } = await this.pool.query<{ next: number | null }>(
      "SELECT MIN(GREATEST(due_at, lease_until)) AS next FROM timers",
    );
    return rows[0]?.next ?? null;
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<DueTimer[]> {
    const { rows } = await this.pool.query<TimerRow>(
      `UPDATE timers t SET lease_until = $2, attempts = t.attempts + 1
         FROM (SELECT run_id, key FROM timers WHERE due_at <= $1 AND lease_until <= $1
                ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED) d
        WHERE t.run_id = d.run_id AND t.key = d.key
        RETURNING t.run_id, t.key, t.kind, t.due_at, t.attempts`,
      [Math.floor(now), Math.floor(now + leaseMs), limit],
    );
    return rows
      .sort((a, b) => a.due_at - b.due_at || a.run_id.localeCompare(b.run_id) || a.key.localeCompare(b.key))
      .map(toDue);
  }

  async complete(timer: DueTimer): Promise<void> {
    await this.pool.query("DELETE FROM timers WHERE run_id = $1 AND key = $2 AND due_at = $3 AND lease_until > 0", [
      timer.runId,
      timer.key,
      timer.dueAt,
    ]);
  }

  async fail(timer: DueTimer, retryAt: number): Promise<void> {
    await this.pool.query(
      "UPDATE timers SET due_at = $1, lease_until = 0 WHERE run_id = $2 AND key = $3 AND due_at = $4",
      [Math.floor(retryAt), timer.runId, timer.key, timer.dueAt],
    );
  }

  start(handler: (timer: DueTimer) => Promise<void>): void {
    // Unlike the embedded scheduler, leases held here may belong to live processes: they run out.
    this.loop.start(handler);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async createHook(hook: HookInput): Promise<void> {
    await this.pool.query(
      `INSERT INTO hooks (token_hash, run_id, step_id, expires_at, schema, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [
        hook.tokenHash,
        hook.runId,
        hook.stepId,
        hook.expiresAt,
        hook.schema === null || hook.schema === undefined ? null : JSON.stringify(hook.schema),
        Date.now(),
      ],
    );
  }

  async findHook(tokenHash: string): Promise<HookRecord | undefined> {
    const { rows } = await this.pool.query<HookRow>("SELECT * FROM hooks WHERE token_hash = $1", [tokenHash]);
    return rows[0] ? toHook(rows[0]) : undefined;
  }

  async takeHook(tokenHash: string, payload: unknown, now: number): Promise<HookTake> {
    // One statement: a concurrent taker waits on the row lock, then finds it used.
    const taken = await this.pool.query<HookRow>(
      `UPDATE hooks SET used_at = $2, outcome = 'resumed', payload = $3
        WHERE token_hash = $1 AND used_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
        RETURNING *`,
      [tokenHash, Math.floor(now), JSON.stringify(payload ?? null)],
    );
    if (taken.rows[0]) return { status: "taken", hook: toHook(taken.rows[0]) };
    const hook = await this.findHook(tokenHash);
    if (!hook) return { status: "missing" };
    return { status: hook.usedAt !== null ? "used" : "expired", hook };
  }

  async expireHook(runId: string, stepId: string): Promise<boolean> {
    const result = await this.pool.query(
      "UPDATE hooks SET used_at = $1, outcome = 'timeout' WHERE run_id = $2 AND step_id = $3 AND used_at IS NULL",
      [Date.now(), runId, stepId],
    );
    return result.rowCount === 1;
  }

  async usedHooks(runId: string): Promise<{ stepId: string; payload: unknown }[]> {
    const { rows } = await this.pool.query<{ step_id: string; payload: unknown }>(
      "SELECT step_id, payload FROM hooks WHERE run_id = $1 AND outcome = 'resumed'",
      [runId],
    );
    return rows.map((row) => ({ stepId: row.step_id, payload: row.payload ?? null }));
  }
}
