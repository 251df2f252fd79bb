/**
 * Loads, in one round trip, what folding some events into a stored run needs from its rows: which
 * of the events' ids are already stored (so a retried batch is dropped), the messages and steps
 * the events name, and the next log and step positions. Runs only for a run that already exists;
 * a new run starts from nothing.
 */
import type { MessagePart, RunEvent, StoredStep } from "@keystroke/core";
import type pg from "pg";
import type { BatchRows } from "./batch-rows.js";

const LOAD_STATE = `
  SELECT
    ARRAY(SELECT event_id FROM events
          WHERE run_no = $1 AND triggered_at = $2 AND event_id = ANY($3::text[])) AS event_ids,
    (SELECT json_agg(json_build_object('id', m.message_id, 'idx', m.idx, 'seq', m.seq, 'added', m.parts_added,
                                       'at', m.at_ms, 'ord', m.ord, 'parts', e.body -> 'message' -> 'parts'))
       FROM messages m JOIN events e ON e.run_no = m.run_no AND e.triggered_at = m.triggered_at AND e.seq = m.seq
      WHERE m.run_no = $1 AND m.triggered_at = $2 AND m.message_id = ANY($4::text[])) AS messages,
    (SELECT json_agg(json_build_object('id', step_id, 'ord', ord, 'body', body))
       FROM steps WHERE run_no = $1 AND triggered_at = $2 AND step_id = ANY($5::text[])) AS steps,
    CASE WHEN $6::boolean THEN (SELECT COALESCE(MAX(idx), -1) + 1 FROM logs WHERE run_no = $1 AND triggered_at = $2)
    END AS next_log,
    CASE WHEN $7::boolean THEN (SELECT COALESCE(MAX(ord), -1) + 1 FROM steps WHERE run_no = $1 AND triggered_at = $2)
    END AS next_ord`;

interface StateRow {
  event_ids: string[];
  messages:
    | {
        id: string;
        idx: number;
        seq: number;
        at: number;
        ord: number;
        added: MessagePart[] | null;
        parts: MessagePart[];
      }[]
    | null;
  steps: { id: string; ord: number; body: StoredStep }[] | null;
  next_log: number | null;
  next_ord: number | null;
}

/** Adds to `rows` what it does not know yet of stored run `runNo` that `events` will need. */
export async function loadRunState(
  client: pg.ClientBase,
  run: { runNo: number; triggeredAt: number },
  events: readonly RunEvent[],
  rows: BatchRows,
): Promise<void> {
  const eventIds: string[] = [];
  const messageIds = new Set<string>();
  const stepIds = new Set<string>();
  let logs = false;
  let stepStarts = false;
  for (const event of events) {
    if (!rows.knownEventIds.has(event.eventId)) eventIds.push(event.eventId);
    if (event.type === "message.added" && !rows.messages.has(event.message.id)) messageIds.add(event.message.id);
    if (event.type === "message.part_added" && !rows.messages.has(event.messageId)) messageIds.add(event.messageId);
    if ((event.type === "step.started" || event.type === "step.finished") && !rows.steps.has(event.stepId)) {
      stepIds.add(event.stepId);
    }
    if (event.type === "log.recorded") logs = true;
    if (event.type === "step.started") stepStarts = true;
  }
  const needLogs = logs && rows.nextLogIdx === undefined;
  const needOrd = stepStarts && rows.nextStepOrd === undefined;
  const result = await client.query<StateRow>({
    name: "keystroke-load-run-state",
    text: LOAD_STATE,
    values: [run.runNo, run.triggeredAt, eventIds, [...messageIds], [...stepIds], needLogs, needOrd],
  });
  const row = result.rows[0];
  if (!row) return;
  for (const id of row.event_ids) rows.knownEventIds.add(id);
  for (const message of row.messages ?? []) {
    rows.messages.set(message.id, {
      idx: message.idx,
      seq: message.seq,
      atMs: Number(message.at),
      ord: Number(message.ord),
      parts: message.parts ?? [],
      added: message.added ?? [],
      stored: true,
      changed: false,
      reindex: false,
    });
  }
  for (const step of row.steps ?? []) rows.steps.set(step.id, { ord: step.ord, body: step.body, changed: false });
  if (needLogs) rows.nextLogIdx = row.next_log ?? 0;
  if (needOrd) rows.nextStepOrd = row.next_ord ?? 0;
}
