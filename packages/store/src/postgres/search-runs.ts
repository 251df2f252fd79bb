/**
 * A search with no other filter, answered in two steps. First the newest runs are walked in
 * History order, each probed for a matching message (a word found in many conversations fills a
 * page within a few hundred runs). If that walk, bounded to WALK_RUNS runs, does not fill the
 * page, the word is rare enough to start from the GIN index instead: month by month, newest month
 * first, each monthly partition's matching messages give the page's runs in History order
 * (`messages` carries the run's trigger time and id) before any `runs` row is read, and the walk
 * over months stops as soon as a page is full. Searches combined with other filters go through
 * list-runs.ts instead.
 */
import type { RunSummary } from "@keystroke/core";
import type pg from "pg";
import { monthStart, partitionMonth } from "./partitions.js";

const MONTHS = `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'messages'::regclass`;

/** How many of the newest runs the first step probes before turning to the index. */
const WALK_RUNS = 2000;

const WALK = `
  SELECT r.summary, r.triggered_at AS t, r.run_id AS id FROM (
    SELECT run_no, triggered_at, run_id, summary FROM runs
     WHERE (triggered_at, run_id) < ($1, $2)
     ORDER BY triggered_at DESC, run_id DESC LIMIT $3) r
   WHERE EXISTS (SELECT 1 FROM messages m
                  WHERE m.run_no = r.run_no AND m.triggered_at = r.triggered_at AND m.tsv @@ $4::tsquery)
   ORDER BY r.triggered_at DESC, r.run_id DESC LIMIT $5`;

const SEARCH_MONTH = `
  SELECT r.summary, r.triggered_at AS t, r.run_id AS id FROM runs r
   WHERE r.run_no IN (
     SELECT m.run_no FROM messages m
      WHERE m.triggered_at >= $1 AND m.triggered_at < $2 AND m.tsv @@ $3::tsquery
        AND (m.triggered_at, m.run_id) < ($4, $5)
      GROUP BY m.triggered_at, m.run_id, m.run_no
      ORDER BY m.triggered_at DESC, m.run_id DESC LIMIT $6)
   ORDER BY r.triggered_at DESC, r.run_id DESC`;

export interface SearchRow {
  summary: RunSummary;
  t: number;
  id: string;
}

/**
 * Up to `count` runs with a message matching `tsquery`, newest first, strictly after `after`
 * (a position in History order) when given.
 */
export async function searchRuns(
  db: pg.Pool,
  tsquery: string,
  after: { time: number; runId: string } | undefined,
  count: number,
): Promise<SearchRow[]> {
  const walked = await db.query<SearchRow>(WALK, [
    after?.time ?? Number.MAX_SAFE_INTEGER,
    after?.runId ?? "",
    WALK_RUNS,
    tsquery,
    count,
  ]);
  if (walked.rows.length >= count) return walked.rows;
  const { rows } = await db.query<{ name: string }>(MONTHS);
  const months = rows
    .map((row) => partitionMonth("messages", row.name))
    .filter((month): month is number => month !== undefined && (after === undefined || monthStart(month) <= after.time))
    .sort((a, b) => b - a);
  const found: SearchRow[] = [];
  for (const month of months) {
    const page = await db.query<SearchRow>(SEARCH_MONTH, [
      monthStart(month),
      monthStart(month + 1),
      tsquery,
      after?.time ?? Number.MAX_SAFE_INTEGER,
      after?.runId ?? "",
      count - found.length,
    ]);
    found.push(...page.rows);
    if (found.length >= count) break;
  }
  return found;
}
