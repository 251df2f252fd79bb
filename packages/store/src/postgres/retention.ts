/**
 * Retention for the PostgreSQL store: whole months of runs go at once. The runs triggered before
 * the cutoff month lose their History rows (one row each, deleted), and the months' partitions
 * of events, messages, spans, logs and steps — where the bulk of the data is — are dropped, which
 * frees their space immediately and writes no dead rows for vacuum. All of it happens in one
 * transaction under the partition lock, so a reader sees a run whole or not at all.
 */
import type pg from "pg";
import { partitionedTables } from "./migrations.js";
import { type Month, monthOf, monthStart, partitionLockKey, partitionMonth, partitionName } from "./partitions.js";

/**
 * Removes every run triggered before the month that holds `cutoffMs` (UTC), and drops those
 * months' partitions. Returns the months dropped, oldest first, as `YYYY-MM`.
 *
 * @example
 * await store.dropMonthsBefore(Date.UTC(2026, 0, 1)); // keeps 2026 onwards
 */
export async function dropMonthsBefore(pool: pg.Pool, schema: string, cutoffMs: number): Promise<string[]> {
  const cutoff = monthOf(cutoffMs);
  const boundary = monthStart(cutoff);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [partitionLockKey(schema)]);
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'events'::regclass`,
    );
    const months = rows
      .map((row) => partitionMonth("events", row.name))
      .filter((month): month is Month => month !== undefined && month < cutoff)
      .sort((a, b) => a - b);
    await client.query("DELETE FROM run_models WHERE triggered_at < $1", [boundary]);
    await client.query("DELETE FROM run_services WHERE triggered_at < $1", [boundary]);
    await client.query("DELETE FROM runs WHERE triggered_at < $1", [boundary]);
    for (const month of months) {
      for (const table of partitionedTables) await client.query(`DROP TABLE IF EXISTS ${partitionName(table, month)}`);
    }
    await client.query("COMMIT");
    return months.map((month) => `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}`);
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
