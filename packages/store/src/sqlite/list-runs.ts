/**
 * Builds the History query for a RunFilter. Every filter maps to an indexed column; the list is
 * ordered by (triggered_at, run_id) descending and paged by keyset, so each page is an index
 * seek plus `limit` rows whatever the page number.
 *
 * One model (or service) is the common filter, and its rows may be rare among a million runs:
 * then the query is driven from run_models, whose key (model, triggered_at, run_id) is already
 * in History order, instead of walking every run and probing.
 *
 * A search is driven from the full-text index instead, newest recorded run first: FTS5 walks
 * its matches in rowid order, a rowid names its run (run_no * 2^24 + message index), and the
 * walk stops as soon as a page of distinct runs is found — so a word that occurs in half of a
 * million conversations costs a page, not half a million lookups. Its cursor is the run_no.
 */
import { decodeCursor, decodePosition, encodePosition, KeystrokeError, type RunFilter } from "@keystroke/core";
import { MESSAGES_PER_RUN } from "./rows.js";
import { toFtsQuery } from "./search-query.js";

export interface ListQuery {
  sql: string;
  params: unknown[];
  /** "search": one row per matching message, newest run first; dedupe by run_no and stop at a page. */
  mode: "keyset" | "search";
}

/** A search page's cursor: the run number of its last run, tagged so a History cursor is not taken for one. */
export function encodeSearchCursor(runNo: number): string {
  return encodePosition(["search", runNo]);
}

function decodeSearchCursor(cursor: string): number {
  const [tag, runNo] = decodePosition(cursor, "cursor");
  if (tag !== "search" || typeof runNo !== "number" || !Number.isSafeInteger(runNo)) {
    throw new KeystrokeError("invalid_input", "Invalid cursor: not a cursor of this search", {
      hint: "Pass the nextCursor of the previous page of the same search unchanged",
      details: { problems: [{ path: "cursor", message: "not a search cursor" }] },
    });
  }
  return runNo;
}

interface Condition {
  sql: string;
  params: unknown[];
}

const placeholders = (values: readonly unknown[]) => values.map(() => "?").join(", ");

function equals(column: string, values: readonly unknown[] | undefined): Condition[] {
  if (values === undefined) return [];
  if (values.length === 1) return [{ sql: `${column} = ?`, params: [...values] }];
  return [{ sql: `${column} IN (${placeholders(values)})`, params: [...values] }];
}

function range(column: string, min: number | undefined, max: number | undefined, maxOp = "<="): Condition[] {
  const out: Condition[] = [];
  if (min !== undefined) out.push({ sql: `${column} >= ?`, params: [min] });
  if (max !== undefined) out.push({ sql: `${column} ${maxOp} ?`, params: [max] });
  return out;
}

function memberOf(table: string, column: string, values: readonly string[] | undefined): Condition[] {
  if (values === undefined) return [];
  return [
    {
      sql: `r.run_no IN (SELECT run_no FROM ${table} WHERE ${column} IN (${placeholders(values)}))`,
      params: [...values],
    },
  ];
}

/** The conditions on runs that every mode shares. */
function runConditions(filter: RunFilter): Condition[] {
  return [
    ...equals("r.kind", filter.kind),
    ...equals("r.status", filter.status),
    ...equals("r.project", filter.project),
    ...equals("r.source", filter.source),
    ...equals("r.trigger", filter.trigger),
    ...equals("r.actor_id", filter.actor),
    ...equals("r.slug", filter.slug),
    ...equals("r.session_id", filter.sessionId === undefined ? undefined : [filter.sessionId]),
    ...equals("r.parent_run_id", filter.parentRunId === undefined ? undefined : [filter.parentRunId]),
    ...range("r.total_cost", filter.costMin, filter.costMax),
    ...range("r.message_count", filter.messagesMin, filter.messagesMax),
    ...range("r.step_count", filter.stepsMin, filter.stepsMax),
    ...range("r.triggered_at", filter.from, filter.to, "<"),
  ];
}

function assemble(conditions: Condition[]): { where: string; params: unknown[] } {
  return {
    where: conditions.length > 0 ? `WHERE ${conditions.map((c) => c.sql).join(" AND ")}` : "",
    params: conditions.flatMap((c) => c.params),
  };
}

/** Returns undefined when the filter can match nothing (a search with no words). */
export function buildListQuery(filter: RunFilter, cursor: string | undefined, limit: number): ListQuery | undefined {
  if (filter.search !== undefined) {
    const match = toFtsQuery(filter.search);
    if (match === undefined) return undefined;
    const conditions: Condition[] = [{ sql: "messages_fts MATCH ?", params: [match] }];
    if (cursor !== undefined) {
      conditions.push({ sql: "f.rowid < ?", params: [decodeSearchCursor(cursor) * MESSAGES_PER_RUN] });
    }
    conditions.push(
      ...memberOf("run_models", "model", filter.model),
      ...memberOf("run_services", "service", filter.service),
    );
    conditions.push(...runConditions(filter));
    const { where, params } = assemble(conditions);
    return {
      sql: `SELECT r.run_no AS n, r.summary FROM messages_fts f CROSS JOIN runs r ON r.run_no = f.rowid / ${MESSAGES_PER_RUN}
        ${where} ORDER BY f.rowid DESC`,
      params,
      mode: "search",
    };
  }

  const model = filter.model?.length === 1 ? filter.model[0] : undefined;
  const service = model === undefined && filter.service?.length === 1 ? filter.service[0] : undefined;
  const driver = model !== undefined ? "run_models" : service !== undefined ? "run_services" : undefined;
  const conditions: Condition[] = [];
  if (model !== undefined) conditions.push({ sql: "d.model = ?", params: [model] });
  else conditions.push(...memberOf("run_models", "model", filter.model));
  if (service !== undefined) conditions.push({ sql: "d.service = ?", params: [service] });
  else conditions.push(...memberOf("run_services", "service", filter.service));
  conditions.push(...runConditions(filter));
  const key = driver ? "d" : "r";
  if (cursor !== undefined) {
    const position = decodeCursor(cursor);
    conditions.push({ sql: `(${key}.triggered_at, ${key}.run_id) < (?, ?)`, params: [position.time, position.runId] });
  }
  const from = driver ? `${driver} d CROSS JOIN runs r ON r.run_no = d.run_no` : "runs r";
  const { where, params } = assemble(conditions);
  // Two steps: pick the page's run numbers (a sort, when one is needed, then moves keys only),
  // and only then read the summaries of those rows.
  return {
    sql: `SELECT p.summary, p.triggered_at AS t, p.run_id AS id FROM runs p
      WHERE p.run_no IN (SELECT r.run_no FROM ${from} ${where} ORDER BY ${key}.triggered_at DESC, ${key}.run_id DESC LIMIT ?)
      ORDER BY p.triggered_at DESC, p.run_id DESC`,
    params: [...params, limit + 1],
    mode: "keyset",
  };
}
