/**
 * HTTP ingest: batches of 500 events POSTed to /api/ingest by concurrent keep-alive clients
 * against a server in its own process, beside the same batches parsed and appended in-process
 * (no HTTP) as the baseline measured in the same run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { newRunId, parseIngestBatch } from "@keystroke/core";
import { openSqliteStore } from "@keystroke/store";
import { random, sessionEvents } from "./data.js";
import { fmtRate, heading, rate, table, timeAsync } from "./report.js";

const BATCHES = 300;
const CLIENTS = 4;
const TURNS = 99; // 5 events a turn + 4 = 499 events, plus one log = 500

function bodies(): string[] {
  const next = random(3);
  const start = Date.parse("2026-10-01T00:00:00Z");
  return Array.from({ length: BATCHES }, (_, i) => {
    const at = start + i * 60_000;
    const runId = newRunId(at);
    const events = sessionEvents(runId, at, TURNS, next);
    events.push({
      eventId: `evt_extra_${i}`,
      type: "log.recorded",
      time: new Date(at).toISOString(),
      log: { time: new Date(at).toISOString(), level: "debug", message: "done" },
    });
    return JSON.stringify({ runId, events });
  });
}

async function startChild(dbPath: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "http-server.ts"), dbPath], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, child };
}

export async function benchHttpIngest(): Promise<void> {
  heading(`HTTP ingest: ${BATCHES} batches of 500 events, ${CLIENTS} concurrent clients, server in its own process`);
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-"));
  const payloads = bodies();
  const events = BATCHES * 500;
  try {
    const store = openSqliteStore(join(dir, "direct.db"));
    const direct = await timeAsync(async () => {
      for (const body of payloads) await store.append([parseIngestBatch(JSON.parse(body))]);
    });
    await store.close();

    const { url, child } = await startChild(join(dir, "http.db"));
    const encoded = payloads.map((body) => Buffer.from(body));
    try {
      let nextBatch = 0;
      const client = async () => {
        while (nextBatch < encoded.length) {
          const body = encoded[nextBatch++] as Buffer;
          const response = await fetch(`${url}/api/ingest`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
          });
          if (!response.ok) throw new Error(`ingest answered ${response.status}: ${await response.text()}`);
          await response.arrayBuffer();
        }
      };
      const http = await timeAsync(() => Promise.all(Array.from({ length: CLIENTS }, client)));
      const directRate = rate(events, direct.ms);
      const httpRate = rate(events, http.ms);
      table([
        ["path", "events", "time", "rate", "vs in-process"],
        [
          "parse + store.append in-process (baseline)",
          String(events),
          `${direct.ms.toFixed(0)} ms`,
          fmtRate(directRate, "events"),
          "1.00×",
        ],
        [
          "POST /api/ingest over HTTP",
          String(events),
          `${http.ms.toFixed(0)} ms`,
          fmtRate(httpRate, "events"),
          `${(httpRate / directRate).toFixed(2)}×`,
        ],
      ]);
      console.log("target: ≥ 50,000 events/s over HTTP");
    } finally {
      child.kill("SIGTERM");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
