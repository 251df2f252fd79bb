/**
 * The embedded scheduler, in the store's SQLite file: a `timers` table indexed by due time and a
 * `hooks` table keyed by the token's hash, delivered by the shared loop (delivery-loop.ts), which
 * here sleeps up to a minute: nothing but this process schedules into the file.
 * The file has one server, so the loop that starts releases the leases a killed process left:
 * what it had claimed but not handled is delivered at once, not when those leases run out.
 */
import type Database from "better-sqlite3";
import { DeliveryLoop } from "./delivery-loop.js";
import type { DueTimer, HookInput, HookRecord, HookTake, Scheduler, TimerInput } from "./scheduler.js";

const LEASE_MS = 60_000;
const MAX_SLEEP_MS = 60_000;

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
  schema: string | null;
  created_at: number;
  used_at: number | null;
  outcome: HookRecord["outcome"];
  payload: string | null;
}

function toHook(row: HookRow): HookRecord {
  return {
    tokenHash: row.token_hash,
    runId: row.run_id,
    stepId: row.step_id,
    expiresAt: row.expires_at,
    schema: row.schema === null ? null : JSON.parse(row.schema),
    createdAt: row.created_at,
    usedAt: row.used_at,
    outcome: row.outcome,
  };
}

export class SqliteScheduler implements Scheduler {
  private readonly statements;
  private readonly claimTx: (now: number, limit: number, leaseMs: number) => DueTimer[];
  private readonly takeTx: (tokenHash: string, payload: unknown, now: number) => HookTake;
  private readonly loop = new DeliveryLoop(this, { maxSleepMs: MAX_SLEEP_MS, leaseMs: LEASE_MS });

  constructor(readonly db: Database.Database) {
    this.statements = {
      upsert: db.prepare(
        `INSERT INTO timers (run_id, key, kind, due_at, lease_until, attempts) VALUES (?, ?, ?, ?, 0, 0)
         ON CONFLICT (run_id, key) DO UPDATE SET kind = excluded.kind, due_at = excluded.due_at, lease_until = 0, attempts = 0`,
      ),
      deleteRun: db.prepare("DELETE FROM timers WHERE run_id = ?"),
      releaseLeases: db.prepare("UPDATE timers SET lease_until = 0 WHERE lease_until > 0"),
      deleteKey: db.prepare("DELETE FROM timers WHERE run_id = ? AND key = ?"),
      nextDue: db.prepare("SELECT MIN(MAX(due_at, lease_until)) AS next FROM timers"),
      due: db.prepare(
        "SELECT run_id, key, kind, due_at, attempts FROM timers WHERE due_at <= ? AND lease_until <= ? ORDER BY due_at LIMIT ?",
      ),
      lease: db.prepare("UPDATE timers SET lease_until = ?, attempts = attempts + 1 WHERE run_id = ? AND key = ?"),
      complete: db.prepare("DELETE FROM timers WHERE run_id = ? AND key = ? AND due_at = ? AND lease_until > 0"),
      fail: db.prepare("UPDATE timers SET due_at = ?, lease_until = 0 WHERE run_id = ? AND key = ? AND due_at = ?"),
      insertHook: db.prepare(
        `INSERT INTO hooks (token_hash, run_id, step_id, expires_at, schema, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      findHook: db.prepare("SELECT * FROM hooks WHERE token_hash = ?"),
      useHook: db.prepare(
        "UPDATE hooks SET used_at = ?, outcome = 'resumed', payload = ? WHERE token_hash = ? AND used_at IS NULL",
      ),
      expireHook: db.prepare(
        "UPDATE hooks SET used_at = ?, outcome = 'timeout' WHERE run_id = ? AND step_id = ? AND used_at IS NULL",
      ),
      usedHooks: db.prepare("SELECT step_id, payload FROM hooks WHERE run_id = ? AND outcome = 'resumed'"),
    };
    this.claimTx = db.transaction((now: number, limit: number, leaseMs: number) => {
      const rows = this.statements.due.all(now, now, limit) as TimerRow[];
      for (const row of rows) this.statements.lease.run(now + leaseMs, row.run_id, row.key);
      return rows.map((row) => ({
        runId: row.run_id,
        key: row.key,
        kind: row.kind,
        dueAt: row.due_at,
        attempt: row.attempts + 1,
      }));
    });
    this.takeTx = db.transaction((tokenHash: string, payload: unknown, now: number): HookTake => {
      const row = this.statements.findHook.get(tokenHash) as HookRow | undefined;
      if (!row) return { status: "missing" };
      const hook = toHook(row);
      if (row.used_at !== null) return { status: "used", hook };
      if (row.expires_at !== null && row.expires_at <= now) return { status: "expired", hook };
      this.statements.useHook.run(now, JSON.stringify(payload ?? null), tokenHash);
      return { status: "taken", hook: { ...hook, usedAt: now, outcome: "resumed" } };
    });
  }

  async schedule(timer: TimerInput): Promise<void> {
    this.statements.upsert.run(timer.runId, timer.key, timer.kind, Math.floor(timer.dueAt));
    this.loop.scheduled(timer.dueAt);
  }

  async unschedule(runId: string, key?: string): Promise<void> {
    if (key === undefined) this.statements.deleteRun.run(runId);
    else this.statements.deleteKey.run(runId, key);
  }

  async nextDue(): Promise<number | null> {
    return (this.statements.nextDue.get() as { next: number | null }).next;
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<DueTimer[]> {
    return this.claimTx(now, limit, leaseMs);
  }

  async complete(timer: DueTimer): Promise<void> {
    this.statements.complete.run(timer.runId, timer.key, timer.dueAt);
  }

  async fail(timer: DueTimer, retryAt: number): Promise<void> {
    this.statements.fail.run(Math.floor(retryAt), timer.runId, timer.key, timer.dueAt);
  }

  start(handler: (timer: DueTimer) => Promise<void>): void {
    // Leases here were taken by a process that is gone (this file has one server): deliver now.
    this.statements.releaseLeases.run();
    this.loop.start(handler);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  async createHook(hook: HookInput): Promise<void> {
    this.statements.insertHook.run(
      hook.tokenHash,
      hook.runId,
      hook.stepId,
      hook.expiresAt,
      hook.schema === null || hook.schema === undefined ? null : JSON.stringify(hook.schema),
      Date.now(),
    );
  }

  async findHook(tokenHash: string): Promise<HookRecord | undefined> {
    const row = this.statements.findHook.get(tokenHash) as HookRow | undefined;
    return row ? toHook(row) : undefined;
  }

  async takeHook(tokenHash: string, payload: unknown, now: number): Promise<HookTake> {
    return this.takeTx(tokenHash, payload, now);
  }

  async expireHook(runId: string, stepId: string): Promise<boolean> {
    return this.statements.expireHook.run(Date.now(), runId, stepId).changes === 1;
  }

  async usedHooks(runId: string): Promise<{ stepId: string; payload: unknown }[]> {
    const rows = this.statements.usedHooks.all(runId) as { step_id: string; payload: string | null }[];
    return rows.map((row) => ({ stepId: row.step_id, payload: row.payload === null ? null : JSON.parse(row.payload) }));
  }
}
