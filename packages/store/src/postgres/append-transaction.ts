/**
 * The transactions of `append` and `appendEach`. Before a transaction begins, the months its new
 * runs fall in get their partitions (partitions.ts), so no DDL runs while row locks are held.
 * A transaction that PostgreSQL aborts to break a deadlock or a serialization conflict, or that
 * met a partition retention had just dropped, is run again from the start (up to three times).
 * `appendEach` gives each batch a savepoint: a refused batch is rolled back to it alone, and the
 * others commit together.
 */
import { type IngestBatch, KeystrokeError, toMillis } from "@keystroke/core";
import type pg from "pg";
import type { AppendOutcome, AppendResult } from "../run-store.js";
import { appendBatch, RunCreatedConcurrently } from "./batch-appender.js";
import { batchError, sqlState } from "./event-error.js";
import { type Month, monthOf, type Partitions } from "./partitions.js";

const ATTEMPTS = 3;
/** Deadlock detected, serialization failure. */
const RETRY_BATCH = new Set(["40P01", "40001"]);
/** "No partition of relation … found for row": the month was dropped since this store looked. */
const MISSING_PARTITION = "23514";

function retryable(error: unknown): boolean {
  const state = sqlState(error);
  return error instanceof RunCreatedConcurrently || (state !== undefined && RETRY_BATCH.has(state));
}

/** The months of the runs these batches may create. */
function months(batches: readonly IngestBatch[]): Month[] {
  const out: Month[] = [];
  for (const batch of batches) {
    for (const event of batch.events) {
      if (event.type === "run.created") out.push(monthOf(toMillis(event.time)));
    }
  }
  return out;
}

async function inTransaction<T>(
  pool: pg.Pool,
  partitions: Partitions,
  batches: readonly IngestBatch[],
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // A connection whose rollback failed is in an unknown state: it is closed, not pooled again.
  let broken = false;
  try {
    for (let attempt = 1; ; attempt++) {
      await partitions.ensure(client, months(batches));
      await client.query("BEGIN");
      try {
        const result = await work(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        if (broken) throw batchError(error);
        const missingPartition = sqlState(error) === MISSING_PARTITION;
        if (missingPartition) partitions.forget();
        if (attempt < ATTEMPTS && (missingPartition || retryable(error))) continue;
        if (error instanceof RunCreatedConcurrently) throw new KeystrokeError("unavailable", error.message);
        throw batchError(error);
      }
    }
  } finally {
    client.release(broken);
  }
}

/** All batches in one transaction, or none. */
export function appendAll(
  pool: pg.Pool,
  partitions: Partitions,
  batches: readonly IngestBatch[],
): Promise<AppendResult[]> {
  return inTransaction(pool, partitions, batches, async (client) => {
    const results: AppendResult[] = [];
    for (const batch of batches) results.push(await appendBatch(client, batch));
    return results;
  });
}

/** Each batch atomic on its own, all in one commit. */
export function appendEachOf(
  pool: pg.Pool,
  partitions: Partitions,
  batches: readonly IngestBatch[],
): Promise<AppendOutcome[]> {
  return inTransaction(pool, partitions, batches, async (client) => {
    const outcomes: AppendOutcome[] = [];
    // The previous batch's savepoint is released together with the next one's creation: one round trip.
    let open = false;
    for (const batch of batches) {
      for (let attempt = 1; ; attempt++) {
        await client.query(open ? "RELEASE SAVEPOINT batch; SAVEPOINT batch" : "SAVEPOINT batch");
        open = true;
        try {
          outcomes.push({ ok: true, result: await appendBatch(client, batch) });
          break;
        } catch (error) {
          await client.query("ROLLBACK TO SAVEPOINT batch; RELEASE SAVEPOINT batch");
          open = false;
          if (sqlState(error) === MISSING_PARTITION) throw error;
          if (attempt < ATTEMPTS && retryable(error)) continue;
          const refusal =
            error instanceof RunCreatedConcurrently
              ? new KeystrokeError("unavailable", error.message)
              : batchError(error);
          outcomes.push({ ok: false, error: refusal });
          break;
        }
      }
    }
    return outcomes;
  });
}
