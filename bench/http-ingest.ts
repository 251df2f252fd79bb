/**
 * HTTP ingest: batches of 500 events POSTed to /api/ingest by concurrent keep-alive clients
 * against a server in its own process, beside the same batches parsed and appended in-process
 * (no HTTP) as the baseline measured in the same run. Two event mixes, since the rate depends on
 * how many bytes an event carries: agent sessions (conversation text, tool calls, spans) and the
 * telemetry of a long run (model calls and short logs).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseIngestBatch, type RunEventInput } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";
import { openSqliteStore } from "@keystroke/store";
import { random, sessionEvents } from "./data.js";
import { fmtRate, heading, rate, table, timeAsync } from "./report.js";
import { startServerProcess } from "./server-process.js";

export const BATCHES = 330;
/** Batches sent before timing starts, so both paths are measured with warm code. */
export const WARM_UP = 30;
const TIMED = BATCHES - WARM_UP;
/** Enough concurrent producers to keep the server busy: with 4 it waits ~10% of the time for requests. */
const CLIENTS = 6;
const TURNS = 99; // 5 events a turn + 4 = 499 events, plus one log = 500

const iso = (ms: number) => new Date(ms).toISOString();

/** Agent sessions: conversation turns with thoughts, tool calls and results, model calls, spans, logs. */
export function sessionBodies(): string[] {
  const next = random(3);
  const start = Date.parse("2026-10-01T00:00:00Z");
  return Array.from({ length: BATCHES }, (_, i) => {
    const at = start + i * 60_000;
    const runId = newRunId(at);
    const events = sessionEvents(runId, at, TURNS, next);
    events.push({
      eventId: `evt_extra_${i}`,
      type: "log.recorded",
      time: iso(at),
      log: { time: iso(at), level: "debug", message: "done" },
    });
    return JSON.stringify({ runId, events });
  });
}

/** Telemetry of a long run: model calls and short logs, no conversation text. */
export function telemetryBodies(): string[] {
  const start = Date.parse("2026-10-02T00:00:00Z");
  return Array.from({ length: BATCHES }, (_, i) => {
    const at = start + i * 60_000;
    const runId = newRunId(at);
    const events: RunEventInput[] = [
      {
        eventId: newEventId(),
        type: "run.created",
        time: iso(at),
        kind: "workflow",
        slug: "nightly-sync",
        name: "Nightly sync",
        project: "acme",
        source: "trigger",
        trigger: { label: "Schedule" },
        actor: { type: "trigger", id: "cron:nightly" },
      },
    ];
    for (let k = 1; k < 500; k++) {
      events.push(
        k % 2
          ? {
              eventId: newEventId(),
              type: "model.called",
              time: iso(at + k),
              callId: `c${k}`,
              provider: "openai",
              model: "gpt-5-mini",
              usage: { inputTokens: 812, outputTokens: 96 },
              cost: 0.0003,
              latencyMs: 640,
            }
          : {
              eventId: newEventId(),
              type: "log.recorded",
              time: iso(at + k),
              log: { time: iso(at + k), level: "info", message: `record ${k} synced` },
            },
      );
    }
    return JSON.stringify({ runId, events });
  });
}

/**
 * POSTs one body on a keep-alive connection. node:http rather than fetch: the load generator
 * shares this machine's two cores with the server, and fetch spends several times more CPU a
 * request.
 */
export function post(url: string, agent: Agent, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/api/ingest`, {
      method: "POST",
      agent,
      headers: { "content-type": "application/json", "content-length": body.length },
    });
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        if (response.statusCode === 200) resolve();
        else reject(new Error(`ingest answered ${response.statusCode}: ${Buffer.concat(chunks).toString()}`));
      });
    });
    request.on("error", reject);
    request.end(body);
  });
}

export async function benchHttpIngest(): Promise<void> {
  heading(
    `HTTP ingest: ${TIMED} batches of 500 events after ${WARM_UP} to warm up, ${CLIENTS} concurrent clients, server in its own process`,
  );
  const rows: string[][] = [["event mix", "path", "events", "time", "rate", "vs in-process"]];
  for (const [mix, payloads] of [
    ["agent sessions", sessionBodies()],
    ["telemetry", telemetryBodies()],
  ] as const) {
    const bytes = payloads.reduce((n, p) => n + Buffer.byteLength(p), 0) / (BATCHES * 500);
    const { direct, http } = await measure(payloads);
    const label = `${mix} (~${Math.round(bytes)} B/event)`;
    const events = TIMED * 500;
    rows.push([
      label,
      "parse + store.append in-process (baseline)",
      String(events),
      `${direct.toFixed(0)} ms`,
      fmtRate(rate(events, direct), "events"),
      "1.00×",
    ]);
    rows.push([
      label,
      "POST /api/ingest over HTTP",
      String(events),
      `${http.toFixed(0)} ms`,
      fmtRate(rate(events, http), "events"),
      `${(direct / http).toFixed(2)}×`,
    ]);
  }
  table(rows);
  console.log("target: ≥ 50,000 events/s over HTTP");
}

/** Times the same batches appended in-process and then POSTed to a server process. */
async function measure(payloads: readonly string[]): Promise<{ direct: number; http: number }> {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-"));
  try {
    const warm = payloads.slice(0, WARM_UP);
    const timed = payloads.slice(WARM_UP);
    const store = openSqliteStore(join(dir, "direct.db"));
    const appendAll = async (bodies: readonly string[]) => {
      for (const body of bodies) await store.append([parseIngestBatch(JSON.parse(body))]);
    };
    await appendAll(warm);
    const direct = await timeAsync(() => appendAll(timed));
    await store.close();

    const { url, child } = await startServerProcess(join(dir, "http.db"));
    try {
      const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
      const postAll = async (bodies: readonly string[]) => {
        const encoded = bodies.map((body) => Buffer.from(body));
        let nextBatch = 0;
        const client = async () => {
          while (nextBatch < encoded.length) await post(url, agent, encoded[nextBatch++] as Buffer);
        };
        await Promise.all(Array.from({ length: CLIENTS }, client));
      };
      await postAll(warm);
      const http = await timeAsync(() => postAll(timed));
      return { direct: direct.ms, http: http.ms };
    } finally {
      child.kill("SIGTERM");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
