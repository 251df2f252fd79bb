/**
 * Monthly partitions of the tables that grow with every event (events, messages, spans, logs,
 * steps), by the trigger time of their run. A store creates the partitions of the current and
 * the next month when it opens, and a batch that starts a run in another month creates that
 * month's partitions first — in a short transaction of its own, before the append's transaction,
 * under an advisory lock, so that two replicas meeting the same new month create it once and no
 * append ever waits on DDL while holding row locks. Which months exist is cached per store; an
 * insert that finds its month gone (dropped by retention.ts) forgets the cache and is retried.
 */
import type pg from "pg";
import { partitionedTables } from "./migrations.js";

/** A month as a number: months since January of year 0 (`year * 12 + month index`). */
export type Month = number;

/** The month holding epoch milliseconds `ms`, in UTC. */
export function monthOf(ms: number): Month {
  const date = new Date(ms);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/** Epoch milliseconds of the first instant of `month`, UTC. */
export function monthStart(month: Month): number {
  return Date.UTC(Math.floor(month / 12), month % 12, 1);
}

/** `events_p2026_11`: the partition of `table` for `month`. */
export function partitionName(table: string, month: Month): string {
  const year = String(Math.floor(month / 12)).padStart(4, "0");
  const monthNumber = String((month % 12) + 1).padStart(2, "0");
  return `${table}_p${year}_${monthNumber}`;
}

/** The month a partition name stands for, or undefined for a name this store did not make. */
export function partitionMonth(table: string, name: string): Month | undefined {
  const match = new RegExp(`^${table}_p(\\d{4})_(\\d{2})$`).exec(name);
  if (!match) return undefined;
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

/** The lock every change to the set of partitions of one schema takes. */
export function partitionLockKey(schema: string): string {
  return `keystroke:partitions:${schema}`;
}

export class Partitions {
  private readonly known = new Set<Month>();

  constructor(private readonly schema: string) {}

  /**
   * Makes sure every month in `months` has its partitions. `client` must not be inside a
   * transaction: each missing month is created and committed before this resolves.
   */
  async ensure(client: pg.PoolClient, months: Iterable<Month>): Promise<void> {
    const missing = [...new Set(months)].filter((month) => !this.known.has(month));
    if (missing.length === 0) return;
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [partitionLockKey(this.schema)]);
      for (const month of missing) {
        const { rows } = await client.query<{ found: boolean }>("SELECT to_regclass($1) IS NOT NULL AS found", [
          partitionName("events", month),
        ]);
        if (rows[0]?.found) continue;
        // Bounds are whole numbers computed here and names are built from them: no outside text.
        const from = monthStart(month);
        const to = monthStart(month + 1);
        for (const table of partitionedTables) {
          await client.query(
            `CREATE TABLE IF NOT EXISTS ${partitionName(table, month)} PARTITION OF ${table} FOR VALUES FROM (${from}) TO (${to})`,
          );
        }
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
    for (const month of missing) this.known.add(month);
  }

  /** Forgets which months exist (after a partition was dropped elsewhere). */
  forget(): void {
    this.known.clear();
  }
}
