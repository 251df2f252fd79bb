/**
 * One very large session: 10,000 messages and 100,000 spans. Opening it (`getRun` with the
 * first page of messages, spans and logs) is timed and its heap use measured, beside the same
 * call on a ten-message run as the baseline and on a run a tenth the size: once pages are full,
 * paging means neither time nor memory grows with the run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type IngestBatch, parseIngestBatch, type RunEventInput } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";
import { openSqliteStore, type RunInclude, type SqliteRunStore } from "@keystroke/store";
import { random, sentence, supportSessionCreated } from "./data.js";
import { heading, ms, percentile, progress, progressDone, table, timeAsync } from "./report.js";

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const iso = (t: number) => new Date(t).toISOString();
const include: RunInclude = { messages: { limit: 100 }, spans: { limit: 500 }, logs: { limit: 100 } };

/** Records one run of `messages` messages and `spans` spans (a log every 100) into `store`. */
export async function seedRun(store: SqliteRunStore, messages: number, spans: number): Promise<string> {
  const at = Date.parse("2026-11-01T00:00:00Z");
  const runId = newRunId(at);
  const next = random(messages);
  const traceId = hex(messages + 1, 32);
  const batches: IngestBatch[] = [];
  let pending: RunEventInput[] = [supportSessionCreated(runId, at, "running")];
  const flush = () => {
    batches.push(parseIngestBatch({ runId, events: pending }));
    pending = [];
  };
  for (let i = 0; i < Math.max(messages, spans); i++) {
    if (i < messages) {
      pending.push({
        eventId: newEventId(),
        type: "message.added",
        time: iso(at + i),
        message: {
          id: `m${i}`,
          role: i % 2 ? "assistant" : "user",
          parts: [{ type: "text", text: sentence(next, 20) }],
        },
      });
    }
    if (i < spans) {
      pending.push({
        eventId: newEventId(),
        type: "span.recorded",
        time: iso(at + i),
        span: {
          traceId,
          spanId: hex(i + 1, 16),
          parentSpanId: i === 0 ? undefined : hex(1 + Math.floor(i / 10), 16),
          name: i % 3 ? "execute_tool lookup-order" : "chat gpt-5-mini",
          startTime: iso(at + i),
          endTime: iso(at + i + 5),
          attributes: { "gen_ai.operation.name": i % 3 ? "execute_tool" : "chat", "gen_ai.usage.input_tokens": 900 },
        },
      });
    }
    if (i % 100 === 0)
      pending.push({
        eventId: newEventId(),
        type: "log.recorded",
        time: iso(at + i),
        log: { time: iso(at + i), level: "info", message: `step ${i}` },
      });
    if (pending.length >= 5000) flush();
  }
  if (pending.length > 0) flush();
  for (const [i, batch] of batches.entries()) {
    await store.append([batch]);
    progress(`seeding a run of ${messages} messages / ${spans} spans: batch ${i + 1}/${batches.length}`);
  }
  progressDone();
  return runId;
}

async function measure(store: SqliteRunStore, runId: string): Promise<{ p50: number; p95: number; heapKb: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const samples: number[] = [];
  let heapKb = Number.NaN;
  for (let i = 0; i < 30; i++) {
    gc?.();
    const before = process.memoryUsage().heapUsed;
    const { value, ms: took } = await timeAsync(() => store.getRun(runId, include));
    const after = process.memoryUsage().heapUsed;
    if (!value) throw new Error(`run ${runId} missing`);
    samples.push(took);
    if (gc) heapKb = Math.min(Number.isNaN(heapKb) ? Number.POSITIVE_INFINITY : heapKb, (after - before) / 1024);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), heapKb };
}

export async function benchBigRun(): Promise<void> {
  heading("Opening a big run: getRun with the first page of messages (100), spans (500) and logs (100)");
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-"));
  const store = openSqliteStore(join(dir, "big.db"));
  try {
    const small = await seedRun(store, 10, 100);
    const medium = await seedRun(store, 1_000, 10_000);
    const big = await seedRun(store, 10_000, 100_000);
    const s = await measure(store, small);
    const m = await measure(store, medium);
    const b = await measure(store, big);
    const heap = (kb: number) => (Number.isNaN(kb) ? "run with --expose-gc" : `${kb.toFixed(0)} kB`);
    table([
      ["run", "p50", "p95", "heap allocated by one call", "target"],
      ["10 messages / 100 spans (baseline)", ms(s.p50), ms(s.p95), heap(s.heapKb), ""],
      ["1,000 messages / 10,000 spans", ms(m.p50), ms(m.p95), heap(m.heapKb), ""],
      ["10,000 messages / 100,000 spans", ms(b.p50), ms(b.p95), heap(b.heapKb), "first page ≤ 50 ms, memory flat"],
    ]);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
