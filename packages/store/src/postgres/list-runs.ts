/**
 * Builds the History query of the PostgreSQL store for a RunFilter: every filter is a condition
 * on an indexed column of `runs`, the list is ordered by (triggered_at, run_id) descending and
 * paged by keyset, so a page is an index walk of `limit` rows whatever its depth. A model (or
 * service) filter drives the query from run_models (run_services), whose key is already in
 * History order. Several values of one filter (two models, two statuses) walk each value's index
 * in History order and merge the pages, instead of sorting every match. A search adds "some message of the run matches" (the tsvector of `messages`, GIN
 * indexed, probed in the run's own partition) and pages with a cursor of its own kind, so a
 * History cursor is never taken for a search one or the other way round. Values always travel
 * as parameters.
 */
import { decodeCursor, decodePosition, encodePosition, KeystrokeError, type RunFilter } from "@keystroke/core";
import { toTsQuery } from "./full-text.js";

export type ListQuery =
  | {
      text: string;
      values: unknown[];
      /** Which cursor the rows' last (triggered_at, run_id) becomes. */
      mode: "history" | "search";
    }
  /** A search and nothing else: see search-runs.ts. */
  | { mode: "search-only"; tsquery: string; after: { time: number; runId: string } | undefined };

/** A search page's cursor: the position of its last run, tagged as a search cursor. */
export function encodeSearchCursor(time: number, runId: string): string {
  return encodePosition(["search", time, runId]);
}

function decodeSearchCursor(cursor: string): { time: number; runId: string } {
  const [tag, time, runId] = decodePosition(cursor, "cursor");
  if (tag !== "search" || typeof time !== "number" || !Number.isSafeInteger(time) || typeof runId !== "string") {
    throw new KeystrokeError("invalid_input", "Invalid cursor: not a cursor of this search", {
      hint: "Pass the nextCursor of the previous page of the same search unchanged",
      details: { problems: [{ path: "cursor", message: "not a search cursor" }] },
    });
  }
  return { time, runId };
}

/** Collects parameter values and names their placeholders. */
class Values {
  readonly list: unknown[] = [];
  add(value: unknown): string {
    this.list.push(value);
    return `$${this.list.length}`;
  }
}

function equals(values: Values, column: string, given: readonly unknown[] | undefined, type = "text"): string[] {
  if (given === undefined) return [];
  if (given.length === 1) return [`${column} = ${values.add(given[0])}`];
  return [`${column} = ANY(${values.add([...given])}::${type}[])`];
}

function range(
  values: Values,
  column: string,
  min: number | undefined,
  max: number | undefined,
  maxOp = "<=",
): string[] {
  const out: string[] = [];
  if (min !== undefined) out.push(`${column} >= ${values.add(min)}`);
  if (max !== undefined) out.push(`${column} ${maxOp} ${values.add(max)}`);
  return out;
}

function memberOf(values: Values, table: string, column: string, given: readonly string[] | undefined): string[] {
  if (given === undefined) return [];
  return [`r.run_no IN (SELECT run_no FROM ${table} WHERE ${equals(values, column, given).join("")})`];
}

/** The list filters whose column has an index in History order, and that column. */
const indexedLists = [
  ["kind", "kind"],
  ["status", "status"],
  ["project", "project"],
  ["source", "source"],
  ["trigger", "trigger"],
  ["actor", "actor_id"],
  ["slug", "slug"],
] as const;
type ListField = (typeof indexedLists)[number][0];

/** The conditions on `runs r` that every kind of list shares (but `skip`, which drives the query). */
function runConditions(values: Values, filter: RunFilter, skip?: ListField): string[] {
  return [
    ...indexedLists.flatMap(([field, column]) => (field === skip ? [] : equals(values, `r.${column}`, filter[field]))),
    ...equals(values, "r.session_id", filter.sessionId === undefined ? undefined : [filter.sessionId]),
    ...equals(values, "r.parent_run_id", filter.parentRunId === undefined ? undefined : [filter.parentRunId]),
    ...range(values, "r.total_cost", filter.costMin, filter.costMax),
    ...range(values, "r.message_count", filter.messagesMin, filter.messagesMax),
    ...range(values, "r.step_count", filter.stepsMin, filter.stepsMax),
    ...range(values, "r.triggered_at", filter.from, filter.to, "<"),
  ];
}

const where = (conditions: string[]) => (conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "");

/** Returns undefined when the filter can match nothing (a search with no words). */
export function buildListQuery(filter: RunFilter, cursor: string | undefined, limit: number): ListQuery | undefined {
  const values = new Values();
  if (filter.search !== undefined) {
    const query = toTsQuery(filter.search);
    if (query === undefined) return undefined;
    const searchOnly = Object.entries(filter).every(([field, value]) => field === "search" || value === undefined);
    if (searchOnly) {
      return {
        mode: "search-only",
        tsquery: query,
        after: cursor === undefined ? undefined : decodeSearchCursor(cursor),
      };
    }
    const conditions = [
      ...runConditions(values, filter),
      ...memberOf(values, "run_models", "model", filter.model),
      ...memberOf(values, "run_services", "service", filter.service),
    ];
    if (cursor !== undefined) {
      const position = decodeSearchCursor(cursor);
      conditions.push(`(r.triggered_at, r.run_id) < (${values.add(position.time)}, ${values.add(position.runId)})`);
    }
    conditions.push(
      `EXISTS (SELECT 1 FROM messages m WHERE m.run_no = r.run_no AND m.triggered_at = r.triggered_at
         AND m.tsv @@ ${values.add(query)}::tsquery)`,
    );
    return {
      text: `SELECT r.summary, r.triggered_at AS t, r.run_id AS id FROM runs r ${where(conditions)}
        ORDER BY r.triggered_at DESC, r.run_id DESC LIMIT ${values.add(limit + 1)}`,
      values: values.list,
      mode: "search",
    };
  }

  // Runs by model (or service) are walked from run_models (run_services), already in History order.
  const multiple = indexedLists.find(([field]) => (filter[field]?.length ?? 0) > 1);
  const driver =
    filter.model !== undefined
      ? { from: "run_models d JOIN runs r ON r.run_no = d.run_no", column: "d.model", given: filter.model }
      : filter.service !== undefined
        ? { from: "run_services d JOIN runs r ON r.run_no = d.run_no", column: "d.service", given: filter.service }
        : multiple !== undefined
          ? { from: "runs r", column: `r.${multiple[1]}`, given: filter[multiple[0]] ?? [], skip: multiple[0] }
          : undefined;
  const key = driver?.column.startsWith("d.") ? "d" : "r";
  const conditions: string[] = [];
  if (filter.model !== undefined) conditions.push(...memberOf(values, "run_services", "service", filter.service));
  conditions.push(...runConditions(values, filter, driver?.skip));
  if (cursor !== undefined) {
    const position = decodeCursor(cursor);
    conditions.push(
      `(${key}.triggered_at, ${key}.run_id) < (${values.add(position.time)}, ${values.add(position.runId)})`,
    );
  }
  const order = `ORDER BY ${key}.triggered_at DESC, ${key}.run_id DESC LIMIT ${values.add(limit + 1)}`;
  if (driver === undefined) {
    return {
      text: `SELECT r.summary, r.triggered_at AS t, r.run_id AS id FROM runs r ${where(conditions)} ${order}`,
      values: values.list,
      mode: "history",
    };
  }
  if (driver.given.length === 1) {
    conditions.unshift(`${driver.column} = ${values.add(driver.given[0])}`);
    return {
      text: `SELECT r.summary, ${key}.triggered_at AS t, ${key}.run_id AS id FROM ${driver.from} ${where(conditions)} ${order}`,
      values: values.list,
      mode: "history",
    };
  }
  // Several values (models, statuses…): each value's newest page, walked in its own index order,
  // then merged. A run in the page overall is in the page of its value, so nothing is missed.
  conditions.unshift(`${driver.column} = v.value`);
  const perValue = `SELECT r.run_no FROM ${driver.from} ${where(conditions)} ${order}`;
  return {
    text: `SELECT p.summary, p.triggered_at AS t, p.run_id AS id FROM runs p
      WHERE p.run_no IN (
        SELECT x.run_no FROM unnest(${values.add([...driver.given])}::text[]) AS v (value)
        CROSS JOIN LATERAL (${perValue}) x)
      ORDER BY p.triggered_at DESC, p.run_id DESC LIMIT ${values.add(limit + 1)}`,
    values: values.list,
    mode: "history",
  };
}
