/**
 * Store ingest rate: `store.append` of whole sessions, beside a raw better-sqlite3 insert of the
 * very rows that append wrote (read back from the store's file), one transaction per batch in
 * both, into the same schema, full-text index included. The ratio is what sequencing, duplicate
 * checks, folding and building the projections cost on top of writing the rows.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MessagePart, messageText } from "@keystroke/core";
import { newRunId } from "@keystroke/core/ids";
import { migrations, openSqliteStore } from "@keystroke/store";
import Database from "better-sqlite3";
import { random, sessionBatch } from "./data.js";
import { fmtRate, heading, rate, table, time, timeAsync } from "./report.js";

const RUNS = 2_000;
const TURNS = 10;

type Row = Record<string, unknown>;

export async function benchStoreIngest(): Promise<{ storeRate: number }> {
  heading(`Store ingest: ${RUNS.toLocaleString("en-US")} sessions of ${TURNS} turns, one batch each`);
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-"));
  try {
    const next = random(7);
    const start = Date.parse("2026-10-01T00:00:00Z");
    const batches = Array.from({ length: RUNS }, (_, i) =>
      sessionBatch(newRunId(start + i * 1000), start + i * 1000, TURNS, next),
    );
    const events = batches.reduce((n, b) => n + b.events.length, 0);

    const store = openSqliteStore(join(dir, "store.db"));
    const stored = await timeAsync(async () => {
      for (const batch of batches) await store.append([batch]);
      store.flushFullText();
    });
    const rowsByRun = readRows(store.db);
    await store.close();

    const raw = new Database(join(dir, "raw.db"));
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = NORMAL");
    for (const m of migrations) raw.exec(m.sql);
    const { insert, indexText } = rawInserter(raw);
    const rawTime = time(() => {
      for (const rows of rowsByRun) insert(rows);
      indexText(rowsByRun);
    });
    raw.close();

    const storeRate = rate(events, stored.ms);
    const rawRate = rate(events, rawTime.ms);
    table([
      ["path", "events", "time", "rate", "vs raw"],
      [
        "raw better-sqlite3 insert (baseline)",
        String(events),
        `${rawTime.ms.toFixed(0)} ms`,
        fmtRate(rawRate, "events"),
        "1.00×",
      ],
      [
        "store.append",
        String(events),
        `${stored.ms.toFixed(0)} ms`,
        fmtRate(storeRate, "events"),
        `${(storeRate / rawRate).toFixed(2)}×`,
      ],
    ]);
    return { storeRate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface RunRows {
  run: Row;
  events: Row[];
  messages: (Row & { text: string })[];
  spans: Row[];
  logs: Row[];
}

function readRows(db: Database.Database): RunRows[] {
  const runs = db.prepare("SELECT * FROM runs ORDER BY run_no").all() as Row[];
  const by = (sql: string) => db.prepare(sql);
  const events = by("SELECT * FROM events WHERE run_no = ? ORDER BY seq");
  const messages = by(
    `SELECT m.*, e.body FROM messages m JOIN events e ON e.run_no = m.run_no AND e.seq = m.seq
     WHERE m.run_no = ? ORDER BY m.idx`,
  );
  const spans = by("SELECT * FROM spans WHERE run_no = ?");
  const logs = by("SELECT * FROM logs WHERE run_no = ?");
  return runs.map((run) => ({
    run,
    events: events.all(run.run_no) as Row[],
    messages: (messages.all(run.run_no) as Row[]).map((m) => ({
      ...m,
      text: messageText((JSON.parse(m.body as string) as { message: { parts: MessagePart[] } }).message.parts),
    })),
    spans: spans.all(run.run_no) as Row[],
    logs: logs.all(run.run_no) as Row[],
  }));
}

/**
 * The rows of one batch in one transaction, like the store; message text goes into the FTS5
 * index in one transaction at the end, as the store's queued indexing does (FTS5 writes a
 * segment per commit, so indexing per batch would make the baseline needlessly slow).
 */
function rawInserter(db: Database.Database): { insert: (rows: RunRows) => void; indexText: (all: RunRows[]) => void } {
  const run = db.prepare(
    `INSERT INTO runs (run_no, run_id, kind, slug, status, project, session_id, source, trigger, actor_id, parent_run_id,
      triggered_at, total_cost, message_count, step_count, last_seq, summary, payload)
     VALUES (@run_no, @run_id, @kind, @slug, @status, @project, @session_id, @source, @trigger, @actor_id, @parent_run_id,
      @triggered_at, @total_cost, @message_count, @step_count, @last_seq, @summary, @payload)`,
  );
  const model = db.prepare("INSERT INTO run_models (model, triggered_at, run_id, run_no) VALUES (?, ?, ?, ?)");
  const event = db.prepare("INSERT INTO events (run_no, seq, event_id, body) VALUES (@run_no, @seq, @event_id, @body)");
  const message = db.prepare(
    "INSERT INTO messages (run_no, at_ms, ord, idx, message_id, seq) VALUES (@run_no, @at_ms, @ord, @idx, @message_id, @seq)",
  );
  const fts = db.prepare("INSERT INTO messages_fts (rowid, text) VALUES (?, ?)");
  const span = db.prepare(
    "INSERT INTO spans (run_no, span_id, start_ms, seq) VALUES (@run_no, @span_id, @start_ms, @seq)",
  );
  const log = db.prepare("INSERT INTO logs (run_no, idx, seq) VALUES (@run_no, @idx, @seq)");
  const insert = db.transaction((rows: RunRows) => {
    run.run(rows.run);
    model.run("openai/gpt-5-mini", rows.run.triggered_at, rows.run.run_id, rows.run.run_no);
    for (const e of rows.events) event.run(e);
    for (const m of rows.messages) {
      message.run({ run_no: m.run_no, at_ms: m.at_ms, ord: m.ord, idx: m.idx, message_id: m.message_id, seq: m.seq });
    }
    for (const s of rows.spans) span.run(s);
    for (const l of rows.logs) log.run(l);
  });
  const indexText = db.transaction((all: RunRows[]) => {
    for (const rows of all) {
      for (const m of rows.messages) fts.run((m.run_no as number) * 2 ** 24 + (m.idx as number), m.text);
    }
  });
  return { insert, indexText };
}
