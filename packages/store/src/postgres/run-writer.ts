/**
 * Writes one batch in one statement: the History row (inserted for a new run, updated for a
 * stored one) and, in data-modifying CTEs, every row the batch made — events, new and grown
 * messages with their tsvector, spans (a span recorded again replaces the earlier one), logs,
 * steps, and the model and service rows History filters by — each table as one multi-row insert
 * from arrays. A new run is inserted with `ON CONFLICT (run_id) DO NOTHING`: when another
 * transaction created the same run first, nothing is written and the caller folds the batch
 * again on top of that run.
 */
import { type FoldedRun, toMillis } from "@keystroke/core";
import type pg from "pg";
import type { BatchRows } from "./batch-rows.js";
import { runFacets } from "./run-facets.js";
import { payloadChanged, splitDetail } from "./run-rows.js";

/**
 * The rows of a batch, the run's columns being $1…$17 and $40, and `run` the CTE naming the run's
 * row; the places of new and changed messages (message-order.ts) are $41…$44.
 */
const CHILD_ROWS = `
  ev AS (
    INSERT INTO events (triggered_at, run_no, seq, event_id, body)
    SELECT run.triggered_at, run.run_no, u.* FROM run, unnest($18::integer[], $19::text[], $20::json[]) AS u
  ),
  nm AS (
    INSERT INTO messages (triggered_at, run_no, run_id, idx, message_id, seq, parts_added, tsv, at_ms, ord)
    SELECT run.triggered_at, run.run_no, run.run_id, u.*
      FROM run, unnest($21::integer[], $22::text[], $23::integer[], $24::json[], $25::tsvector[], $41::bigint[],
                       $42::bigint[]) AS u
  ),
  um AS (
    UPDATE messages m SET parts_added = u.added, tsv = CASE WHEN u.reindex THEN u.tsv ELSE m.tsv END,
                          at_ms = u.at_ms, ord = u.ord
      FROM run, unnest($26::integer[], $27::json[], $28::tsvector[], $29::boolean[], $43::bigint[], $44::bigint[])
                AS u (idx, added, tsv, reindex, at_ms, ord)
     WHERE m.triggered_at = $11 AND m.run_no = run.run_no AND m.idx = u.idx
  ),
  sp AS (
    INSERT INTO spans (triggered_at, run_no, span_id, start_ms, seq)
    SELECT run.triggered_at, run.run_no, u.* FROM run, unnest($30::text[], $31::bigint[], $32::integer[]) AS u
    ON CONFLICT (run_no, span_id, triggered_at) DO UPDATE SET start_ms = excluded.start_ms, seq = excluded.seq
  ),
  lg AS (
    INSERT INTO logs (triggered_at, run_no, idx, seq)
    SELECT run.triggered_at, run.run_no, u.* FROM run, unnest($33::integer[], $34::integer[]) AS u
  ),
  st AS (
    INSERT INTO steps (triggered_at, run_no, step_id, ord, body)
    SELECT run.triggered_at, run.run_no, u.* FROM run, unnest($35::text[], $36::integer[], $37::json[]) AS u
    ON CONFLICT (run_no, step_id, triggered_at) DO UPDATE SET body = excluded.body
  ),
  mo AS (
    INSERT INTO run_models (model, triggered_at, run_id, run_no)
    SELECT u.model, run.triggered_at, run.run_id, run.run_no FROM run, unnest($38::text[]) AS u (model)
    ON CONFLICT DO NOTHING
  ),
  se AS (
    INSERT INTO run_services (service, triggered_at, run_id, run_no)
    SELECT u.service, run.triggered_at, run.run_id, run.run_no FROM run, unnest($39::text[]) AS u (service)
    ON CONFLICT DO NOTHING
  )
  SELECT run_no FROM run`;

const INSERT_RUN = `
  WITH run AS (
    INSERT INTO runs (run_id, kind, slug, status, project, session_id, source, trigger, actor_id, parent_run_id,
                      triggered_at, total_cost, message_count, step_count, last_seq, summary, payload, facets)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $40)
    ON CONFLICT (run_id) DO NOTHING
    RETURNING run_no, run_id, triggered_at
  ),${CHILD_ROWS}`;

const UPDATE_RUN = `
  WITH run AS (
    UPDATE runs SET kind = $2, slug = $3, status = $4, project = $5, session_id = $6, source = $7, trigger = $8,
                    actor_id = $9, parent_run_id = $10, total_cost = $12, message_count = $13, step_count = $14,
                    last_seq = $15, summary = $16, payload = COALESCE($17::json, payload), facets = $40
     WHERE run_no = $45 AND run_id = $1
    RETURNING run_no, run_id, triggered_at
  ),${CHILD_ROWS}`;

/**
 * Writes the batch. `runNo` is the stored run's number, or undefined for a run this batch
 * creates. Resolves to the run's number, or undefined when a new run turned out to exist already.
 */
export async function writeBatch(
  client: pg.ClientBase,
  runNo: number | undefined,
  before: FoldedRun | undefined,
  after: FoldedRun,
  rows: BatchRows,
): Promise<number | undefined> {
  const { summary, payload } = splitDetail(after);
  const samePayload = runNo !== undefined && before !== undefined && !payloadChanged(before, after);
  const modelsChanged = before?.models !== after.models;
  const servicesChanged = before?.services !== after.services;
  const events = rows.events;
  const spans = [...rows.spans];
  const steps = rows.changedSteps();
  const newMessages = rows.newMessages();
  const changedMessages = rows.changedMessages();
  const values: unknown[] = [
    after.runId,
    after.kind,
    after.slug,
    after.status,
    after.project,
    after.sessionId,
    after.source,
    after.trigger,
    after.actor.id,
    after.parentRunId,
    toMillis(after.triggeredAt),
    after.totalCost,
    after.messageCount,
    after.stepCount,
    after.lastSeq,
    JSON.stringify(summary),
    samePayload ? null : JSON.stringify(payload),
    events.map((e) => e.seq),
    events.map((e) => e.eventId),
    events.map((e) => e.body),
    ...newMessages.columns,
    ...changedMessages.columns,
    spans.map(([id]) => id),
    spans.map(([, span]) => span.startMs),
    spans.map(([, span]) => span.seq),
    rows.logs.map((log) => log.idx),
    rows.logs.map((log) => log.seq),
    ...steps,
    modelsChanged ? after.models : [],
    servicesChanged ? after.services : [],
    runFacets(after),
    ...newMessages.places,
    ...changedMessages.places,
  ];
  const result =
    runNo === undefined
      ? await client.query<{ run_no: number }>({ name: "keystroke-insert-run", text: INSERT_RUN, values })
      : await client.query<{ run_no: number }>({
          name: "keystroke-update-run",
          text: UPDATE_RUN,
          values: [...values, runNo],
        });
  return result.rows[0]?.run_no;
}
