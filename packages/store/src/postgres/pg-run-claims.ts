/**
 * Run executions shared by every replica and worker on one PostgreSQL database (table
 * `run_work`, migration 2). A request is a row; a process claims ready rows with
 * `FOR UPDATE SKIP LOCKED`, holds each under a lease it renews every third of the lease while it
 * executes, and deletes the row when the execution suspends or ends — or hands it back, ready,
 * when more was asked meanwhile (`again`) or the execution was cut off. A process killed -9 stops
 * renewing; when its lease runs out the row is claimable again and the run resumes by replay
 * elsewhere. Times are the database's clock, so processes on machines with skewed clocks agree.
 * A NOTIFY on the schema's channel wakes idle claimers at once; they also poll, in case one is
 * missed while a connection is down.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import pg from "pg";

const NOW = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
/** How long a run that could not execute now ("retry") waits before it is claimable again. */
const RETRY_MS = 1000;

type ClaimEnd = "done" | "cut" | "retry";

/** Structurally the sdk runtime's `RunClaims` (the store does not depend on the sdk). */
export interface PgRunClaimHandlers {
  execute(runId: string): Promise<ClaimEnd>;
  cancel(runId: string): void;
  lost(runId: string): void;
}

export interface PgRunClaimsOptions {
  /** Lease of a claimed run; renewed every third of it. Default 10 s (`KEYSTROKE_RUN_LEASE_MS`). */
  leaseMs?: number;
  /** Executions at once in this process; default 64. */
  maxConcurrent?: number;
  /** Look for work at least this often even without a notification; default 1 s. */
  pollMs?: number;
  /** For the LISTEN connection (the pool's connections cannot hold a LISTEN). */
  connectionString: string;
  /** The store's schema, which names the channel. */
  schema: string;
  onError?(error: unknown): void;
}

export class PgRunClaims {
  /** This process, as recorded in `run_work.owner`. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
  private readonly leaseMs: number;
  private readonly maxConcurrent: number;
  private readonly pollMs: number;
  private readonly channel: string;
  private readonly held = new Map<string, Promise<void>>();
  /** Runs executing here on their own (agent sessions): renewed, but never claimed or handed back. */
  private readonly holds = new Set<string>();
  private readonly cancelAsked = new Set<string>();
  private handlers: PgRunClaimHandlers | undefined;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private claiming: Promise<void> | undefined;
  private claimAgain = false;
  private listener: pg.Client | undefined;
  private stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PgRunClaimsOptions,
  ) {
    this.leaseMs = options.leaseMs ?? (Number(process.env.KEYSTROKE_RUN_LEASE_MS) || 10_000);
    this.maxConcurrent = options.maxConcurrent ?? 64;
    this.pollMs = options.pollMs ?? 1000;
    this.channel = `keystroke_work_${options.schema}`.slice(0, 63);
  }

  async request(runId: string, options: { again?: boolean } = {}): Promise<void> {
    // One round trip: the request, then the notification that wakes idle claimers.
    await this.pool.query(
      `WITH requested AS (
         INSERT INTO run_work (run_id, ready_at) VALUES ($1, ${NOW})
         ON CONFLICT (run_id) DO UPDATE SET again = run_work.again OR $2, ready_at = LEAST(run_work.ready_at, excluded.ready_at)
         RETURNING 1
       )
       SELECT pg_notify($3, '') FROM requested`,
      [runId, options.again ?? true, this.channel],
    );
    this.wake();
  }

  start(handlers: PgRunClaimHandlers): void {
    this.handlers = handlers;
    this.heartbeat = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
    void this.listen();
    this.wake();
  }

  /**
   * Holds the run while this process executes it. A live lease of another process is left alone
   * (two follow-ups of one session on two replicas): this process renews nothing it does not own,
   * and that process's renewals keep the run.
   */
  async hold(runId: string): Promise<void> {
    this.holds.add(runId);
    await this.pool.query(
      `INSERT INTO run_work (run_id, ready_at, owner, lease_until) VALUES ($1, ${NOW}, $2, ${NOW} + $3)
       ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until, cancel = false
       WHERE run_work.owner IS NULL OR run_work.owner = excluded.owner OR run_work.lease_until <= ${NOW}`,
      [runId, this.owner, this.leaseMs],
    );
  }

  async release(runId: string): Promise<void> {
    this.holds.delete(runId);
    await this.pool.query("DELETE FROM run_work WHERE run_id = $1 AND owner = $2", [runId, this.owner]);
  }

  async requestCancel(runId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE run_work SET cancel = true WHERE run_id = $1 AND owner IS NOT NULL AND lease_until > ${NOW}`,
      [runId],
    );
    return rowCount === 1;
  }

  async isHeld(runId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM run_work WHERE run_id = $1 AND owner IS NOT NULL AND lease_until > ${NOW}`,
      [runId],
    );
    return rowCount === 1;
  }

  /** Runs this process holds now. */
  heldRunIds(): string[] {
    return [...this.held.keys()];
  }

  /**
   * Stops claiming and waits for the claimed executions (the caller has cut them off). Held
   * sessions keep their leases until released or expired: they end on their own.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.claiming;
    const claimed = [...this.held.keys()];
    await Promise.allSettled([...this.held.values()]);
    if (this.holds.size === 0) clearInterval(this.heartbeat);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    // A claimed run still recorded as ours (its execution ignored the stop) goes back at once.
    if (claimed.length === 0) return;
    await this.pool
      .query(
        `UPDATE run_work SET owner = NULL, lease_until = 0, ready_at = ${NOW} WHERE owner = $1 AND run_id = ANY($2)`,
        [this.owner, claimed],
      )
      .catch((error) => this.options.onError?.(error));
  }

  private wake(delayMs = 0): void {
    if (this.stopped || !this.handlers) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.claim(), delayMs);
    this.timer.unref();
  }

  private async claim(): Promise<void> {
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = this.claimOnce()
      .then((full) => {
        if (full || this.claimAgain) this.wake();
        else this.wake(this.pollMs);
      })
      .catch((error) => {
        this.options.onError?.(error);
        this.wake(this.pollMs);
      })
      .finally(() => {
        this.claimAgain = false;
        this.claiming = undefined;
      });
    await this.claiming;
  }

  /** Claims what this process has room for; true when it took as many as it had room for. */
  private async claimOnce(): Promise<boolean> {
    const handlers = this.handlers;
    const room = this.maxConcurrent - this.held.size;
    if (this.stopped || !handlers || room <= 0) return false;
    const { rows } = await this.pool.query<{ run_id: string }>(
      `UPDATE run_work w SET owner = $1, lease_until = ${NOW} + $2, again = false, cancel = false, claims = w.claims + 1
         FROM (SELECT run_id FROM run_work WHERE ready_at <= ${NOW} AND lease_until <= ${NOW}
                ORDER BY ready_at LIMIT $3 FOR UPDATE SKIP LOCKED) c
        WHERE w.run_id = c.run_id
        RETURNING w.run_id`,
      [this.owner, this.leaseMs, room],
    );
    for (const { run_id: runId } of rows) this.held.set(runId, this.executeHeld(handlers, runId));
    return rows.length === room;
  }

  private async executeHeld(handlers: PgRunClaimHandlers, runId: string): Promise<void> {
    let end: ClaimEnd = "retry";
    try {
      end = await handlers.execute(runId);
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.held.delete(runId);
      this.cancelAsked.delete(runId);
      await this.finish(runId, end).catch((error) => this.options.onError?.(error));
      this.wake();
    }
  }

  /**
   * Deletes the row of an execution that is done, or hands it back: ready at once when more was
   * asked meanwhile or it was cut off, a moment later when it could not run now.
   */
  private async finish(runId: string, end: ClaimEnd): Promise<void> {
    // A row handed back is claimable: the same statement wakes idle processes.
    await this.pool.query(
      `WITH gone AS (
         DELETE FROM run_work WHERE run_id = $1 AND owner = $2 AND NOT again AND $3 RETURNING run_id
       ), handed AS (
         UPDATE run_work SET owner = NULL, lease_until = 0, ready_at = ${NOW} + $4
          WHERE run_id = $1 AND owner = $2 AND NOT EXISTS (SELECT 1 FROM gone)
          RETURNING run_id
       )
       SELECT pg_notify($5, '') FROM handed`,
      [runId, this.owner, end === "done", end === "retry" ? RETRY_MS : 0, this.channel],
    );
  }

  /** Renews the leases of the runs held here; passes on cancels and lost leases. */
  private async renew(): Promise<void> {
    const handlers = this.handlers;
    const runIds = [...this.held.keys(), ...this.holds];
    if (!handlers || runIds.length === 0) {
      if (this.stopped) clearInterval(this.heartbeat);
      return;
    }
    try {
      const { rows } = await this.pool.query<{ run_id: string; cancel: boolean }>(
        `UPDATE run_work SET lease_until = ${NOW} + $1 WHERE owner = $2 AND run_id = ANY($3) RETURNING run_id, cancel`,
        [this.leaseMs, this.owner, runIds],
      );
      const renewed = new Set(rows.map((row) => row.run_id));
      for (const runId of runIds) {
        if (!renewed.has(runId) && (this.held.has(runId) || this.holds.has(runId))) handlers.lost(runId);
      }
      for (const row of rows) {
        if (row.cancel && !this.cancelAsked.has(row.run_id)) {
          this.cancelAsked.add(row.run_id);
          handlers.cancel(row.run_id);
        }
      }
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  /** Holds a LISTEN on the work channel; reconnects while running. */
  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.options.connectionString });
    client.on("error", () => undefined);
    client.on("notification", () => this.wake());
    client.on("end", () => {
      if (this.listener === client) this.listener = undefined;
      if (!this.stopped) setTimeout(() => void this.listen(), 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.listener = client;
    } catch (error) {
      this.options.onError?.(error);
      await client.end().catch(() => undefined);
    }
  }
}
