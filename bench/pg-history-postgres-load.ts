/**
 * Writes generated runs' rows (pg-history-rows.ts) to a PostgreSQL store's schema with COPY, one
 * transaction per chunk: the columns, tsvectors and partitions the append path would write.
 */
import type pg from "pg";
import { addedOrd } from "../packages/store/src/message-order.js";
import { toTsVector } from "../packages/store/src/postgres/full-text.js";
import { monthOf, Partitions } from "../packages/store/src/postgres/partitions.js";
import { runFacets } from "../packages/store/src/postgres/run-facets.js";
import type { RunRows } from "./pg-history-rows.js";

type Field = string | number | null;

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function copyField(field: Field): string {
  if (field === null) return "\\N";
  if (typeof field === "number") return String(field);
  return SPECIAL.test(field) ? field.replace(SPECIALS, (c) => ESCAPED[c] ?? c) : field;
}

/** A text[] literal: every element quoted, its quotes and backslashes escaped (then COPY's own escapes apply). */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`;
}

/** One row in COPY's text format: tab-separated, `\N` for null, backslash escapes. */
function copyLine(fields: readonly Field[]): string {
  let line = copyField(fields[0] ?? null);
  for (let i = 1; i < fields.length; i++) line += `\t${copyField(fields[i] ?? null)}`;
  return `${line}\n`;
}

/**
 * `COPY table (columns) FROM STDIN` of rows already in text format, as a query node-postgres
 * runs like any other (its Submittable interface), so no extra package is needed.
 */
class CopyIn {
  callback: ((error?: Error) => void) | undefined;
  private error: Error | undefined;

  constructor(
    private readonly text: string,
    private readonly data: Buffer,
  ) {}

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void }): void {
    const size = 1 << 20;
    for (let at = 0; at < this.data.length; at += size) connection.sendCopyFromChunk(this.data.subarray(at, at + size));
    connection.endCopyFrom();
  }

  handleError(error: Error): void {
    this.error ??= error;
    // A server's error is followed by ReadyForQuery; a broken connection's is not.
    if (!("severity" in error)) this.handleReadyForQuery();
  }

  handleReadyForQuery(): void {
    const callback = this.callback;
    this.callback = undefined;
    callback?.(this.error);
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

function copy(client: pg.PoolClient, table: string, columns: string, lines: string[]): Promise<void> {
  if (lines.length === 0) return Promise.resolve();
  const query = new CopyIn(`COPY ${table} (${columns}) FROM STDIN`, Buffer.from(lines.join("")));
  return new Promise((resolve, reject) => {
    query.callback = (error) => (error ? reject(error) : resolve());
    (client as unknown as { query(q: CopyIn): void }).query(query);
  });
}

/** Writes runs' rows to a PostgreSQL store's schema with COPY, one transaction per call. */
export class PgBulkWriter {
  private readonly partitions: Partitions;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.partitions = new Partitions(schema);
  }

  async write(runs: readonly RunRows[]): Promise<void> {
    const lines = { runs: [] as string[], events: [] as string[], messages: [] as string[], steps: [] as string[] };
    const models: string[] = [];
    const services: string[] = [];
    for (const { runNo, detail: d, triggeredAt, summary, payload, ...rows } of runs) {
      lines.runs.push(
        copyLine([
          runNo,
          d.runId,
          d.kind,
          d.slug,
          d.status,
          d.project,
          d.sessionId,
          d.source,
          d.trigger,
          d.actor.id,
          d.parentRunId,
          triggeredAt,
          d.totalCost,
          d.messageCount,
          d.stepCount,
          d.lastSeq,
          summary,
          payload,
          arrayLiteral(runFacets(d)),
        ]),
      );
      for (const e of rows.events) lines.events.push(copyLine([triggeredAt, runNo, e.seq, e.eventId, e.body]));
      for (const m of rows.messages) {
        lines.messages.push(
          copyLine([triggeredAt, runNo, d.runId, m.idx, m.id, m.seq, toTsVector(m.text), m.atMs, addedOrd(m.seq)]),
        );
      }
      for (const s of rows.steps) lines.steps.push(copyLine([triggeredAt, runNo, s.id, s.ord, s.body]));
      for (const model of d.models) models.push(copyLine([model, triggeredAt, d.runId, runNo]));
      for (const service of d.services) services.push(copyLine([service, triggeredAt, d.runId, runNo]));
    }
    const client = await this.pool.connect();
    try {
      await this.partitions.ensure(
        client,
        runs.map((run) => monthOf(run.triggeredAt)),
      );
      await client.query("BEGIN");
      await copy(
        client,
        "runs",
        `run_no, run_id, kind, slug, status, project, session_id, source, trigger, actor_id, parent_run_id,
         triggered_at, total_cost, message_count, step_count, last_seq, summary, payload, facets`,
        lines.runs,
      );
      await copy(client, "events", "triggered_at, run_no, seq, event_id, body", lines.events);
      await copy(
        client,
        "messages",
        "triggered_at, run_no, run_id, idx, message_id, seq, tsv, at_ms, ord",
        lines.messages,
      );
      await copy(client, "steps", "triggered_at, run_no, step_id, ord, body", lines.steps);
      await copy(client, "run_models", "model, triggered_at, run_id, run_no", models);
      await copy(client, "run_services", "service, triggered_at, run_id, run_no", services);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Moves the run-number sequence past the rows written, as appends would have left it. */
  async finish(): Promise<void> {
    await this.pool.query("SELECT setval(pg_get_serial_sequence('runs', 'run_no'), (SELECT max(run_no) FROM runs))");
  }
}
