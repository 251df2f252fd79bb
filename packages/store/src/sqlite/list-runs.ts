/**
 * Builds the History query for a RunFilter. Every filter maps to an indexed column; the list is
 * ordered by (triggered_at, run_id) descending and paged by keyset, so each page is an index
 * seek plus `limit` rows whatever the page number.
 *
 * One model (or service) is the common filter, and its rows may be rare among a million runs:
 * then the query is driven from run_models, whose key (model, triggered_at, run_id) is already
 * in History order, instead of walking every run and probing.
 */
import { decodeCursor, type RunFilter } from "@keystroke/core";
import { MESSAGES_PER_RUN } from "./rows.js";
import { toFtsQuery } from "./search-query.js";

export interface ListQuery {
  sql: string;
  params: unknown[];
}

const inList = (column: string, values: readonly unknown[], where: string[], params: unknown[]) => {
  where.push(values.length === 1 ? `${column} = ?` : `${column} IN (${values.map(() => "?").join(", ")})`);
  params.push(...values);
};

/** Returns undefined when the filter can match nothing (a search with no words). */
export function buildListQuery(filter: RunFilter, cursor: string | undefined, limit: number): ListQuery | undefined {
  const where: string[] = [];
  const params: unknown[] = [];
  let from = "runs r";
  let order = "r.triggered_at DESC, r.run_id DESC";
  let key = "(r.triggered_at, r.run_id)";

  const drive = (table: string, column: string, value: string) => {
    from = `${table} d CROSS JOIN runs r ON r.run_no = d.run_no`;
    order = "d.triggered_at DESC, d.run_id DESC";
    key = "(d.triggered_at, d.run_id)";
    where.push(`d.${column} = ?`);
    params.push(value);
  };
  const model = filter.model;
  const service = filter.service;
  if (model?.length === 1 && model[0] !== undefined) drive("run_models", "model", model[0]);
  else if (service?.length === 1 && service[0] !== undefined) drive("run_services", "service", service[0]);
  const drivenBy = from.startsWith("run_models") ? "model" : from.startsWith("run_services") ? "service" : undefined;

  if (model && drivenBy !== "model") {
    where.push(`r.run_no IN (SELECT run_no FROM run_models WHERE model IN (${model.map(() => "?").join(", ")}))`);
    params.push(...model);
  }
  if (service && drivenBy !== "service") {
    where.push(`r.run_no IN (SELECT run_no FROM run_services WHERE service IN (${service.map(() => "?").join(", ")}))`);
    params.push(...service);
  }
  if (filter.kind) inList("r.kind", filter.kind, where, params);
  if (filter.status) inList("r.status", filter.status, where, params);
  if (filter.project) inList("r.project", filter.project, where, params);
  if (filter.source) inList("r.source", filter.source, where, params);
  if (filter.trigger) inList("r.trigger", filter.trigger, where, params);
  if (filter.actor) inList("r.actor_id", filter.actor, where, params);
  if (filter.slug) inList("r.slug", filter.slug, where, params);
  if (filter.sessionId !== undefined) inList("r.session_id", [filter.sessionId], where, params);
  if (filter.parentRunId !== undefined) inList("r.parent_run_id", [filter.parentRunId], where, params);
  const range = (column: string, min: number | undefined, max: number | undefined) => {
    if (min !== undefined) {
      where.push(`${column} >= ?`);
      params.push(min);
    }
    if (max !== undefined) {
      where.push(`${column} <= ?`);
      params.push(max);
    }
  };
  range("r.total_cost", filter.costMin, filter.costMax);
  range("r.message_count", filter.messagesMin, filter.messagesMax);
  range("r.step_count", filter.stepsMin, filter.stepsMax);
  if (filter.from !== undefined) {
    where.push("r.triggered_at >= ?");
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.push("r.triggered_at < ?");
    params.push(filter.to);
  }
  if (filter.search !== undefined) {
    const match = toFtsQuery(filter.search);
    if (match === undefined) return undefined;
    where.push(`r.run_no IN (SELECT rowid / ${MESSAGES_PER_RUN} FROM messages_fts WHERE messages_fts MATCH ?)`);
    params.push(match);
  }
  if (cursor !== undefined) {
    const position = decodeCursor(cursor);
    where.push(`${key} < (?, ?)`);
    params.push(position.time, position.runId);
  }
  const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
  return {
    sql: `SELECT r.summary, r.triggered_at AS t, r.run_id AS id FROM ${from} ${clause} ORDER BY ${order} LIMIT ?`,
    params: [...params, limit + 1],
  };
}
