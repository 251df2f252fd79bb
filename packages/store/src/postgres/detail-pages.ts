/**
 * Pages of one run's detail — messages, spans, logs, steps — read by keyset from the run's own
 * partition (every query names the run's `triggered_at`), so a page costs an index range of
 * `limit` rows however large the run. Bodies come from the events they were recorded with.
 */
import {
  decodePosition,
  encodePosition,
  KeystrokeError,
  type Log,
  type Message,
  type MessagePart,
  type Page,
  type PageRequest,
  type Span,
  type StoredLog,
  type StoredMessage,
  type StoredStep,
  toIso,
} from "@keystroke/core";
import type pg from "pg";
import { messagesCursor } from "../message-order.js";
import { pageLimit } from "../run-store.js";

/** The stored run a page belongs to. */
export interface RunKey {
  runNo: number;
  triggeredAt: number;
  runId: string;
}

/** The position after which a page starts: -1 for the first page. */
function after(cursor: string | undefined, field: string): number {
  if (cursor === undefined) return -1;
  const position = decodePosition(cursor, field)[0];
  if (typeof position !== "number" || !Number.isSafeInteger(position)) {
    throw new KeystrokeError("invalid_input", `Invalid ${field}`, {
      hint: "Pass the cursor value of a previous page unchanged",
      details: { problems: [{ path: field, message: "not a cursor this server issued" }] },
    });
  }
  return position;
}

/**
 * A page of the run's rows after position `from` (the query's parameters after the run's two);
 * `position` is what the next page's cursor says of the last row.
 */
async function indexedPage<Row extends { pos: number }, T>(
  db: pg.Pool,
  name: string,
  text: string,
  run: RunKey,
  page: PageRequest,
  from: number[],
  map: (row: Row) => T,
  position: (row: Row) => number[] = (row) => [row.pos],
): Promise<Page<T>> {
  const limit = pageLimit(page.limit, 100);
  const { rows } = await db.query<Row>({ name, text, values: [run.runNo, run.triggeredAt, ...from, limit + 1] });
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return { items: pageRows.map(map), nextCursor: more && last ? encodePosition(position(last)) : null };
}

/** A run's messages in the time each was said (message-order.ts). */
export async function messagesPage(db: pg.Pool, run: RunKey, page: PageRequest): Promise<Page<StoredMessage>> {
  let after = page.cursor === undefined ? [Number.MIN_SAFE_INTEGER, 0, -1] : messagesCursor(page.cursor);
  if (after.length === 1) {
    const idx = after[0] as number;
    const { rows: places } = await db.query<{ at: string; ord: string }>({
      name: "keystroke-message-place",
      text: "SELECT at_ms AS at, ord FROM messages WHERE run_no = $1 AND triggered_at = $2 AND idx = $3",
      values: [run.runNo, run.triggeredAt, idx],
    });
    const place = places[0];
    after = place === undefined ? [Number.MAX_SAFE_INTEGER, 0, 0] : [Number(place.at), Number(place.ord), idx];
  }
  return indexedPage<
    { at: string; ord: string; pos: number; body: { message: Message }; added: MessagePart[] | null },
    StoredMessage
  >(
    db,
    "keystroke-messages-page",
    `SELECT m.at_ms AS at, m.ord, m.idx AS pos, e.body, m.parts_added AS added FROM messages m
       JOIN events e ON e.run_no = m.run_no AND e.triggered_at = m.triggered_at AND e.seq = m.seq
      WHERE m.run_no = $1 AND m.triggered_at = $2 AND (m.at_ms, m.ord, m.idx) > ($3, $4, $5)
      ORDER BY m.at_ms, m.ord, m.idx LIMIT $6`,
    run,
    page,
    after,
    (row) => {
      const { message } = row.body;
      const parts = row.added ? [...message.parts, ...row.added] : message.parts;
      return { ...message, parts, time: toIso(Number(row.at)), runId: run.runId, index: row.pos };
    },
    (row) => [Number(row.at), Number(row.ord), row.pos],
  );
}

export function logsPage(db: pg.Pool, run: RunKey, page: PageRequest): Promise<Page<StoredLog>> {
  return indexedPage<{ pos: number; body: { log: Log } }, StoredLog>(
    db,
    "keystroke-logs-page",
    `SELECT l.idx AS pos, e.body FROM logs l
       JOIN events e ON e.run_no = l.run_no AND e.triggered_at = l.triggered_at AND e.seq = l.seq
      WHERE l.run_no = $1 AND l.triggered_at = $2 AND l.idx > $3 ORDER BY l.idx LIMIT $4`,
    run,
    page,
    [after(page.cursor, "logsCursor")],
    (row) => ({ ...row.body.log, runId: run.runId, index: row.pos }),
  );
}

export function stepsPage(db: pg.Pool, run: RunKey, page: PageRequest): Promise<Page<StoredStep>> {
  return indexedPage<{ pos: number; body: StoredStep }, StoredStep>(
    db,
    "keystroke-steps-page",
    `SELECT ord AS pos, body FROM steps
      WHERE run_no = $1 AND triggered_at = $2 AND ord > $3 ORDER BY ord LIMIT $4`,
    run,
    page,
    [after(page.cursor, "stepsCursor")],
    (row) => row.body,
  );
}

/** Spans by start time, then span id. */
export async function spansPage(db: pg.Pool, run: RunKey, page: PageRequest): Promise<Page<Span>> {
  const limit = pageLimit(page.limit, 500);
  const [afterMs, afterId] =
    page.cursor === undefined ? [Number.MIN_SAFE_INTEGER, ""] : decodePosition(page.cursor, "spansCursor");
  if (typeof afterMs !== "number" || !Number.isSafeInteger(afterMs) || typeof afterId !== "string") {
    throw new KeystrokeError("invalid_input", "Invalid spansCursor", {
      hint: "Pass the cursor value of a previous page unchanged",
      details: { problems: [{ path: "spansCursor", message: "not a cursor this server issued" }] },
    });
  }
  const { rows } = await db.query<{ start_ms: number; span_id: string; body: { span: Span } }>({
    name: "keystroke-spans-page",
    text: `SELECT s.start_ms, s.span_id, e.body FROM spans s
             JOIN events e ON e.run_no = s.run_no AND e.triggered_at = s.triggered_at AND e.seq = s.seq
            WHERE s.run_no = $1 AND s.triggered_at = $2 AND (s.start_ms, s.span_id) > ($3, $4)
            ORDER BY s.start_ms, s.span_id LIMIT $5`,
    values: [run.runNo, run.triggeredAt, afterMs, afterId, limit + 1],
  });
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    items: pageRows.map((row) => row.body.span),
    nextCursor: more && last ? encodePosition([last.start_ms, last.span_id]) : null,
  };
}
