/**
 * A search, alone or with other filters, answered in two steps. First the newest runs of the
 * filter (every run, without one) are walked in History order, each probed for a matching
 * message: a word found in many conversations fills a page within a few hundred runs, and a
 * filter with fewer than WALK_RUNS runs is searched whole. If that bounded walk neither fills the
 * page nor exhausts the filter, the word is rare among the filter's runs, and the search starts
 * from the GIN index instead: month by month, newest month first, each monthly partition's
 * matching messages (of runs the filter keeps) give the page's runs in History order (`messages`
 * carries the run's trigger time and id), and the walk over months stops as soon as a page is
 * full. Neither step hashes every matching message of a common word, which a single query
 * joining a filter with a search tends to.
 */
import type { RunFilter, RunSummary } from "@keystroke/core";
import type pg from "pg";
import { filterConditions, historyQuery, type Position, Values } from "./list-runs.js";
import { monthStart, partitionMonth } from "./partitions.js";

const MONTHS = `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                 WHERE i.inhparent = 'messages'::regclass`;

/** How many of the filter's newest runs the first step probes before turning to the index. */
const WALK_RUNS = 2000;

export interface SearchRow {
  summary: RunSummary;
  t: number;
  id: string;
}

/** The first step: the runs among the filter's WALK_RUNS newest after `after` with a matching message. */
function walkQuery(tsquery: string, filter: RunFilter, after: Position | undefined, count: number) {
  const values = new Values();
  const query = values.add(tsquery);
  const limit = values.add(count);
  const candidates = historyQuery(filter, after, WALK_RUNS - 1, values);
  return {
    text: `SELECT c.summary, c.t, c.id FROM (${candidates.text}) c
      WHERE EXISTS (SELECT 1 FROM messages m WHERE m.run_no = c.no AND m.triggered_at = c.t AND m.tsv @@ ${query}::tsquery)
      ORDER BY c.t DESC, c.id DESC LIMIT ${limit}`,
    values: candidates.values,
  };
}

/** Whether the filter keeps fewer than WALK_RUNS runs after `after` (the walk then saw them all). */
async function walkedAll(db: pg.Pool, filter: RunFilter, after: Position | undefined): Promise<boolean> {
  const candidates = historyQuery(filter, after, WALK_RUNS - 1, new Values(), true);
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (${candidates.text}) c`,
    candidates.values,
  );
  return (rows[0]?.n ?? 0) < WALK_RUNS;
}

/** The second step in one month: its matching messages' runs the filter keeps, in History order. */
function monthQuery(tsquery: string, filter: RunFilter, month: number, after: Position | undefined, count: number) {
  const values = new Values();
  const conditions = [
    `m.triggered_at >= ${values.add(monthStart(month))}`,
    `m.triggered_at < ${values.add(monthStart(month + 1))}`,
    `m.tsv @@ ${values.add(tsquery)}::tsquery`,
    `(m.triggered_at, m.run_id) < (${values.add(after?.time ?? Number.MAX_SAFE_INTEGER)}, ${values.add(after?.runId ?? "")})`,
  ];
  const kept = filterConditions(values, filter);
  const runs = kept.length > 0 ? "JOIN runs r ON r.run_no = m.run_no" : "";
  return {
    text: `SELECT p.summary, p.triggered_at AS t, p.run_id AS id FROM runs p
      WHERE p.run_no IN (
        SELECT m.run_no FROM messages m ${runs}
         WHERE ${[...conditions, ...kept].join(" AND ")}
         GROUP BY m.triggered_at, m.run_id, m.run_no
         ORDER BY m.triggered_at DESC, m.run_id DESC LIMIT ${values.add(count)})
      ORDER BY p.triggered_at DESC, p.run_id DESC`,
    values: values.list,
  };
}

/**
 * Up to `count` runs that `filter` keeps with a message matching `tsquery`, newest first,
 * strictly after `after` (a position in History order) when given.
 */
export async function searchRuns(
  db: pg.Pool,
  tsquery: string,
  after: Position | undefined,
  count: number,
  filter: RunFilter = {},
): Promise<SearchRow[]> {
  const walk = walkQuery(tsquery, filter, after, count);
  const found = (await db.query<SearchRow>(walk.text, walk.values)).rows;
  if (found.length >= count || (await walkedAll(db, filter, after))) return found;
  // The walk stopped at WALK_RUNS runs without filling the page: the index finds the page from `after`.
  const { rows } = await db.query<{ name: string }>(MONTHS);
  const months = rows
    .map((row) => partitionMonth("messages", row.name))
    .filter((month): month is number => month !== undefined && (after === undefined || monthStart(month) <= after.time))
    .sort((a, b) => b - a);
  const fromIndex: SearchRow[] = [];
  for (const month of months) {
    const query = monthQuery(tsquery, filter, month, after, count - fromIndex.length);
    const page = await db.query<SearchRow>(query.text, query.values);
    fromIndex.push(...page.rows);
    if (fromIndex.length >= count) break;
  }
  return fromIndex;
}
