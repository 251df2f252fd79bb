/**
 * Builds the History query of the PostgreSQL store for a RunFilter: every filter is a condition
 * on an indexed column of `runs`, the list is ordered by (triggered_at, run_id) descending and
 * paged by keyset, so a page is an index walk of `limit` rows whatever its depth. A model (or
 * service) filter drives the query from run_models (run_services), whose key is already in
 * History order. Several values of one filter (two models, two statuses) walk each value's index
 * in History order and merge the pages, instead of sorting every match. Two filter fields or more
 * (project + status + agent, model + status) are one condition on `facets` (run-facets.ts), whose
 * GIN index finds the runs holding every value at once; the planner weighs it against walking the
 * time index when the combination is common. A search goes to search-runs.ts, with the filter's
 * conditions when it has other filters, and pages with a cursor of its own kind, so a History
 * cursor is never taken for a search one or the other way round. Values always travel as
 * parameters.
 */
import { decodeCursor, decodePosition, encodePosition, KeystrokeError, type RunFilter } from "@keystroke/core";
import { toTsQuery } from "./full-text.js";
import { FACET_TAGS, type FacetField, facet } from "./run-facets.js";

export type ListQuery =
  | { mode: "history"; text: string; values: unknown[] }
  /** A search, alone or with the other filters of `filter`: see search-runs.ts. */
  | { mode: "search"; tsquery: string; after: Position | undefined; filter?: RunFilter };

/** A search page's cursor: the position of its last run, tagged as a search cursor. */
export function encodeSearchCursor(time: number, runId: string): string {
  return encodePosition(["search", time, runId]);
}

function decodeSearchCursor(cursor: string): Position {
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
export class Values {
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

/** With two facet fields or more, the conditions on `r.facets` that stand for all of them; else undefined. */
function facetConditions(values: Values, filter: RunFilter): string[] | undefined {
  const given = (Object.keys(FACET_TAGS) as FacetField[]).flatMap((field) => {
    const chosen = filter[field];
    return chosen === undefined ? [] : [[field, chosen] as const];
  });
  if (given.length < 2) return undefined;
  const every = given.flatMap(([field, chosen]) => (chosen.length === 1 ? [facet(field, chosen[0] as string)] : []));
  const conditions = every.length > 0 ? [`r.facets @> ${values.add(every)}::text[]`] : [];
  for (const [field, chosen] of given) {
    // Several values of a field: the run holds one of them (none given: it matches nothing).
    if (chosen.length !== 1) conditions.push(`r.facets && ${values.add(chosen.map((v) => facet(field, v)))}::text[]`);
  }
  return conditions;
}

/**
 * The conditions on `runs r` that every kind of list shares: the facet fields as `facets` when
 * `facets` is given (then model and service too), else each on its column but `skip`, which
 * drives the query; model and service are then the caller's.
 */
function runConditions(values: Values, filter: RunFilter, skip?: ListField, facets?: string[]): string[] {
  const lists =
    facets ??
    indexedLists.flatMap(([field, column]) => (field === skip ? [] : equals(values, `r.${column}`, filter[field])));
  return [
    ...lists,
    ...equals(values, "r.session_id", filter.sessionId === undefined ? undefined : [filter.sessionId]),
    ...equals(values, "r.parent_run_id", filter.parentRunId === undefined ? undefined : [filter.parentRunId]),
    ...range(values, "r.total_cost", filter.costMin, filter.costMax),
    ...range(values, "r.message_count", filter.messagesMin, filter.messagesMax),
    ...range(values, "r.step_count", filter.stepsMin, filter.stepsMax),
    ...range(values, "r.triggered_at", filter.from, filter.to, "<"),
  ];
}

const where = (conditions: string[]) => (conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "");

/** A position in History order: a run's trigger time and id. */
export interface Position {
  time: number;
  runId: string;
}

/**
 * The conditions on `runs r` a filter (but its search) makes, numbered after the values already
 * in `values`: for the steps of a filtered search, which add their own.
 */
export function filterConditions(values: Values, filter: RunFilter): string[] {
  const facets = facetConditions(values, filter);
  if (facets) return runConditions(values, filter, undefined, facets);
  return [
    ...runConditions(values, filter),
    ...memberOf(values, "run_models", "model", filter.model),
    ...memberOf(values, "run_services", "service", filter.service),
  ];
}

/** Returns undefined when the filter can match nothing (a search with no words). */
export function buildListQuery(filter: RunFilter, cursor: string | undefined, limit: number): ListQuery | undefined {
  if (filter.search !== undefined) {
    const tsquery = toTsQuery(filter.search);
    if (tsquery === undefined) return undefined;
    const { search: _, ...others } = filter;
    const after = cursor === undefined ? undefined : decodeSearchCursor(cursor);
    const alone = Object.values(others).every((value) => value === undefined);
    return alone ? { mode: "search", tsquery, after } : { mode: "search", tsquery, after, filter: others };
  }
  return { mode: "history", ...historyQuery(filter, cursor === undefined ? undefined : decodeCursor(cursor), limit) };
}

/**
 * The History query of `filter` (no search) after `position`, `limit` + 1 rows of
 * (summary, t, id, no) in History order.
 */
export function historyQuery(
  filter: RunFilter,
  position: Position | undefined,
  limit: number,
  values = new Values(),
  /** Leave out the summary: (t, id, no) only. */
  keysOnly = false,
): { text: string; values: unknown[] } {
  const facets = facetConditions(values, filter);
  // Runs by model (or service) are walked from run_models (run_services), already in History order.
  const multiple = indexedLists.find(([field]) => (filter[field]?.length ?? 0) > 1);
  const driver =
    facets !== undefined
      ? undefined
      : filter.model !== undefined
        ? { from: "run_models d JOIN runs r ON r.run_no = d.run_no", column: "d.model", given: filter.model }
        : filter.service !== undefined
          ? { from: "run_services d JOIN runs r ON r.run_no = d.run_no", column: "d.service", given: filter.service }
          : multiple !== undefined
            ? { from: "runs r", column: `r.${multiple[1]}`, given: filter[multiple[0]] ?? [], skip: multiple[0] }
            : undefined;
  const key = driver?.column.startsWith("d.") ? "d" : "r";
  const conditions: string[] = [];
  if (facets === undefined && filter.model !== undefined) {
    conditions.push(...memberOf(values, "run_services", "service", filter.service));
  }
  conditions.push(...runConditions(values, filter, driver?.skip, facets));
  if (position !== undefined) {
    conditions.push(
      `(${key}.triggered_at, ${key}.run_id) < (${values.add(position.time)}, ${values.add(position.runId)})`,
    );
  }
  const order = `ORDER BY ${key}.triggered_at DESC, ${key}.run_id DESC LIMIT ${values.add(limit + 1)}`;
  const columns = `${keysOnly ? "" : "r.summary, "}${key}.triggered_at AS t, ${key}.run_id AS id, r.run_no AS no`;
  if (driver === undefined) {
    return { text: `SELECT ${columns} FROM runs r ${where(conditions)} ${order}`, values: values.list };
  }
  if (driver.given.length === 1) {
    conditions.unshift(`${driver.column} = ${values.add(driver.given[0])}`);
    return { text: `SELECT ${columns} FROM ${driver.from} ${where(conditions)} ${order}`, values: values.list };
  }
  // Several values (models, statuses…): each value's newest page, walked in its own index order,
  // then merged. A run in the page overall is in the page of its value, so nothing is missed.
  conditions.unshift(`${driver.column} = v.value`);
  const perValue = `SELECT r.run_no FROM ${driver.from} ${where(conditions)} ${order}`;
  return {
    text: `SELECT ${keysOnly ? "" : "p.summary, "}p.triggered_at AS t, p.run_id AS id, p.run_no AS no FROM runs p
      WHERE p.run_no IN (
        SELECT x.run_no FROM unnest(${values.add([...driver.given])}::text[]) AS v (value)
        CROSS JOIN LATERAL (${perValue}) x)
      ORDER BY p.triggered_at DESC, p.run_id DESC LIMIT ${values.add(limit + 1)}`,
    values: values.list,
  };
}
