/**
 * OTLP ingest: protobuf ExportTraceServiceRequests of 512 GenAI spans (agent runs of an
 * invoke_agent span, four chat calls with their messages and three tool calls, about 600 bytes a
 * span) POSTed to /v1/traces by four keep-alive clients, against `keystroke serve` and
 * `keystroke dev` each in a process of their own. Beside them, measured in the same run: raw
 * SQLite inserting one row per span (the same number of rows, bodies of the same size, one
 * transaction per request), a null receiver that reads each body and answers 200, and, in-process,
 * the two stages a server runs one after the other on two threads: mapping (decoding, assembling
 * and serializing each request's events, as the receiver's mapping thread does) and the store's
 * append of those events (given as the mapping thread hands them over). Either stage alone at
 * under 0.3× raw SQLite keeps a server under it. Raw SQLite and the two servers take turns for a
 * few rounds, each server set against the raw SQLite of its round: on a shared machine a minute's
 * speed is seldom steady, and one baseline measured once, minutes from the servers, swung the
 * ratio by a third from one run to the next.
 */
import type { ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type IngestBatch, storedBody } from "@keystroke/core";
import { openSqliteStore } from "@keystroke/store";
import Database from "better-sqlite3";
import { spanHeadEnd } from "../packages/server/src/otlp/map/span-events.js";
import { TraceAssembler } from "../packages/server/src/otlp/map/trace-assembler.js";
import { parseMappedEvent } from "../packages/server/src/otlp/mapping-thread.js";
import type { Attributes } from "../packages/server/src/otlp/otlp-model.js";
import { decodeTracesProto } from "../packages/server/src/otlp/wire/decode-proto.js";
import { encodeTracesProto, type SpanToEncode } from "../packages/server/src/otlp/wire/encode-proto.js";
import { startDev, startNullReceiver, startServe } from "./cli-server.js";
import { random } from "./data.js";
import { fmtRate, heading, progress, progressDone, rate, table, time, timeAsync } from "./report.js";

const SPANS_PER_BATCH = 512;
const SPANS_PER_RUN = 8;
const BATCHES = 130;
const WARM_UP = 30;
const TIMED = BATCHES - WARM_UP;
const CLIENTS = 4;
const ROUNDS = 3;

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, "0");
const json = (value: unknown) => JSON.stringify(value);

/** One agent run as its spans: invoke_agent, then chat, tool, chat, tool, chat, tool, chat. */
function runSpans(run: number, at: number, next: () => number): SpanToEncode[] {
  const traceId = hex(run + 1, 32);
  const id = (k: number) => hex(run * SPANS_PER_RUN + k + 1, 16);
  const base = { traceId, parentIsRemote: false, kind: 1, events: [], statusCode: 0, statusMessage: "" };
  const question = `Where is order ${Math.floor(next() * 100_000)}? It was due on Monday and I still have no tracking link. Can you check with the carrier and tell me when it will arrive?`;
  const spans: SpanToEncode[] = [
    {
      ...base,
      spanId: id(0),
      parentSpanId: undefined,
      name: "invoke_agent support",
      startMs: at,
      endMs: at + 7_000,
      attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "support",
        "user.id": `customer-${run % 500}`,
      },
    },
  ];
  for (let step = 0; step < 4; step++) {
    const start = at + 10 + step * 1_700;
    const chat: Attributes = {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.usage.input_tokens": 800 + step * 150,
      "gen_ai.usage.output_tokens": 40 + Math.floor(next() * 60),
      "gen_ai.usage.cache_read.input_tokens": step * 120,
      "gen_ai.system_instructions": json([{ type: "text", content: "You are the support agent of Acme." }]),
      "gen_ai.input.messages": json([{ role: "user", parts: [{ type: "text", content: question }] }]),
      "gen_ai.output.messages": json([
        step < 3
          ? {
              role: "assistant",
              parts: [{ type: "tool_call", id: `call-${run}-${step}`, name: "lookup_order", arguments: { step } }],
            }
          : {
              role: "assistant",
              parts: [{ type: "text", content: "Your order left the warehouse this morning; tracking is on its way." }],
            },
      ]),
    };
    spans.push({
      ...base,
      spanId: id(1 + step * 2),
      parentSpanId: id(0),
      name: "chat gpt-4o-mini",
      startMs: start,
      endMs: start + 900,
      attributes: chat,
    });
    if (step < 3) {
      spans.push({
        ...base,
        spanId: id(2 + step * 2),
        parentSpanId: id(0),
        name: "execute_tool lookup_order",
        startMs: start + 950,
        endMs: start + 1_600,
        attributes: {
          "gen_ai.operation.name": "execute_tool",
          "gen_ai.tool.name": "lookup_order",
          "gen_ai.tool.call.id": `call-${run}-${step}`,
          "gen_ai.tool.call.arguments": json({ step }),
          "gen_ai.tool.call.result": json({ status: "shipped", carrier: "DHL", eta: "2 days" }),
        },
      });
    }
  }
  return spans;
}

function bodies(): Buffer[] {
  const next = random(11);
  const start = Date.parse("2026-10-03T00:00:00Z");
  const runsPerBatch = SPANS_PER_BATCH / SPANS_PER_RUN;
  return Array.from({ length: BATCHES }, (_, b) => {
    const spans = Array.from({ length: runsPerBatch }, (_, r) => {
      const run = b * runsPerBatch + r;
      return runSpans(run, start + run * 10_000, next);
    }).flat();
    return encodeTracesProto([{ resource: { "service.name": "support-bot" }, scope: { name: "bench" }, spans }]);
  });
}

function post(url: string, agent: Agent, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/v1/traces`, {
      method: "POST",
      agent,
      headers: { "content-type": "application/x-protobuf", "content-length": body.length },
    });
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks);
        if (response.statusCode === 200 && text.length === 0) resolve();
        else reject(new Error(`/v1/traces answered ${response.statusCode} (${text.length} bytes)`));
      });
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** CPU seconds a task (a process, or one of its threads) has used, from /proc on Linux; undefined elsewhere. */
function cpuSecondsOf(statPath: string): number | undefined {
  try {
    const fields = readFileSync(statPath, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds a server process has used: all its threads, and its main thread alone (the one that
 * answers HTTP and writes the store; the OTLP receiver maps on another). On a machine shared with
 * other work, CPU time per span is steadier than the wall clock.
 */
function cpuSample(pid: number | undefined): { all: number; main: number } | undefined {
  if (pid === undefined) return undefined;
  const all = cpuSecondsOf(`/proc/${pid}/stat`);
  const main = cpuSecondsOf(`/proc/${pid}/task/${pid}/stat`);
  return all === undefined || main === undefined ? undefined : { all, main };
}

/** Wall-clock milliseconds of the timed part, and the CPU seconds the server spent in it (all threads, and its main thread). */
interface Timed {
  ms: number;
  cpu: number | undefined;
  mainCpu?: number;
}

/** Milliseconds `CLIENTS` keep-alive clients take to POST the timed bodies, after the warm-up ones. */
async function postTimed(url: string, payloads: readonly Buffer[], pid?: number): Promise<Timed> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const postAll = async (list: readonly Buffer[]) => {
    let nextBody = 0;
    const client = async () => {
      while (nextBody < list.length) await post(url, agent, list[nextBody++] as Buffer);
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
  };
  try {
    await postAll(payloads.slice(0, WARM_UP));
    const before = cpuSample(pid);
    const { ms } = await timeAsync(() => postAll(payloads.slice(WARM_UP)));
    const after = cpuSample(pid);
    if (before === undefined || after === undefined) return { ms, cpu: undefined };
    return { ms, cpu: after.all - before.all, mainCpu: after.main - before.main };
  } finally {
    agent.destroy();
  }
}

async function overHttp(server: Promise<{ url: string; child: ChildProcess }>, payloads: Buffer[]): Promise<Timed> {
  const { url, child } = await server;
  try {
    return await postTimed(url, payloads, child.pid);
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

/** One row per span, its decoded JSON as the body, one transaction per request: what SQLite alone does. */
function rawSqlite(path: string, payloads: readonly Buffer[]): Timed {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE spans (trace_id TEXT, span_id TEXT, body TEXT NOT NULL, PRIMARY KEY (trace_id, span_id))");
  const insert = db.prepare("INSERT INTO spans VALUES (?, ?, ?)");
  const write = db.transaction((rows: string[][]) => {
    for (const row of rows) insert.run(...row);
  });
  const requests = payloads.map((body) =>
    decodeTracesProto(body).map((span) => [span.traceId, span.spanId, JSON.stringify(span)]),
  );
  for (const rows of requests.slice(0, WARM_UP)) write(rows);
  const cpu = process.cpuUsage();
  const { ms } = time(() => {
    for (const rows of requests.slice(WARM_UP)) write(rows);
  });
  const used = process.cpuUsage(cpu);
  db.close();
  return { ms, cpu: (used.user + used.system) / 1e6 };
}

/**
 * The two stages a server runs, in this process, one after the other: the mapping thread's work
 * and the store's append of what it hands over. Their events stay in this function's scope only.
 */
async function inProcess(
  dir: string,
  payloads: readonly Buffer[],
): Promise<{ mapping: Timed; direct: Timed; events: number }> {
  // What the mapping thread does with each request: decode, assemble, serialize each event.
  const assembler = new TraceAssembler();
  const mapRequest = (body: Buffer) =>
    assembler.assemble(undefined, decodeTracesProto(body), []).batches.map((batch) => {
      const bodies = batch.events.map(storedBody);
      return { runId: batch.runId, bodies, heads: batch.events.map((e, i) => spanHeadEnd(e, bodies[i] as string)) };
    });
  const serialized = payloads.slice(0, WARM_UP).map(mapRequest);
  const mappingCpu = process.cpuUsage();
  const mappingTime = time(() => {
    for (const body of payloads.slice(WARM_UP)) serialized.push(mapRequest(body));
  });
  const mappingUsed = process.cpuUsage(mappingCpu);
  const mapping: Timed = { ms: mappingTime.ms, cpu: (mappingUsed.user + mappingUsed.system) / 1e6 };
  // What the receiver's thread appends: the events parsed from their bodies (a span's from its
  // head), the bodies given.
  const mapped: IngestBatch[][] = serialized.map((batches) =>
    batches.map(({ runId, bodies, heads }) => ({
      runId,
      events: bodies.map((body, i) => parseMappedEvent(body, heads[i] ?? 0)),
      bodies,
    })),
  );
  const events = mapped.slice(WARM_UP).reduce((n, batches) => n + batches.reduce((m, b) => m + b.events.length, 0), 0);
  const store = openSqliteStore(join(dir, "direct.db"));
  for (const batches of mapped.slice(0, WARM_UP)) await store.append(batches);
  const directCpu = process.cpuUsage();
  const directTime = await timeAsync(async () => {
    for (const batches of mapped.slice(WARM_UP)) await store.append(batches);
  });
  const directUsed = process.cpuUsage(directCpu);
  const direct: Timed = { ms: directTime.ms, cpu: (directUsed.user + directUsed.system) / 1e6 };
  await store.close();

  return { mapping, direct, events };
}

/** The value `by` puts in the middle of `values` (of an odd count; the upper middle otherwise). */
function middle<T>(values: readonly T[], by: (value: T) => number): T {
  return [...values].sort((a, b) => by(a) - by(b))[Math.floor(values.length / 2)] as T;
}

/**
 * One server's rounds beside the raw SQLite rounds they alternated with: the round of median
 * time, and its rate over raw SQLite's in the same round (median, and the range over the rounds).
 */
interface Rounds {
  median: Timed;
  ratios: number[];
}

function roundsOf(timed: readonly Timed[], raws: readonly Timed[]): Rounds {
  return {
    median: middle(timed, (t) => t.ms),
    ratios: timed.map((t, round) => (raws[round] as Timed).ms / t.ms),
  };
}

export async function benchOtlpIngest(): Promise<void> {
  heading(
    `OTLP ingest: ${TIMED} protobuf requests of ${SPANS_PER_BATCH} GenAI spans after ${WARM_UP} to warm up, ${CLIENTS} keep-alive clients, each server in its own process, ${ROUNDS} rounds`,
  );
  const payloads = bodies();
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-"));
  const gc = () => (globalThis as { gc?: () => void }).gc?.();
  try {
    const spans = TIMED * SPANS_PER_BATCH;
    const { mapping, direct, events } = await inProcess(dir, payloads);
    // The stages' events are garbage now: collected before the servers are timed, so the clients'
    // process holds no large heap meanwhile.
    gc();
    const nothing = await overHttp(startNullReceiver(), payloads);

    // KEYSTROKE_BENCH_BEFORE: the `keystroke` command of another build (say, the last commit's),
    // measured in the same run for a before/after comparison.
    const before = process.env.KEYSTROKE_BENCH_BEFORE;
    // Raw SQLite and each server take turns, round after round, so a change in the machine's load
    // (a shared machine's is seldom steady for a minute) weighs on the baseline and the servers
    // alike; each server is compared with the raw SQLite of its own round.
    const raws: Timed[] = [];
    const measured: Record<"serve" | "dev" | "serveBefore" | "devBefore", Timed[]> = {
      serve: [],
      dev: [],
      serveBefore: [],
      devBefore: [],
    };
    for (let round = 0; round < ROUNDS; round++) {
      const roundDir = join(dir, `round-${round}`);
      mkdirSync(roundDir);
      progress(`OTLP ingest: round ${round + 1} of ${ROUNDS}…`);
      gc();
      raws.push(rawSqlite(join(roundDir, "raw.db"), payloads));
      gc();
      if (before)
        measured.serveBefore.push(await overHttp(startServe(join(roundDir, "serve-before.db"), before), payloads));
      measured.serve.push(await overHttp(startServe(join(roundDir, "serve.db")), payloads));
      if (before) measured.devBefore.push(await overHttp(startDev(join(roundDir, "dev-before"), before), payloads));
      measured.dev.push(await overHttp(startDev(join(roundDir, "dev-project")), payloads));
      rmSync(roundDir, { recursive: true, force: true });
    }
    progressDone();
    const raw = middle(raws, (t) => t.ms);

    const bytes = payloads.reduce((n, p) => n + p.length, 0) / (BATCHES * SPANS_PER_BATCH);
    const times = (ratio: number) => `${ratio.toFixed(2)}×`;
    const row = (path: string, timed: Timed | Rounds, runEvents = "") => {
      const { ms, cpu, mainCpu } = "median" in timed ? timed.median : timed;
      let versusRaw = times(raw.ms / ms);
      if ("median" in timed) {
        const { ratios } = timed;
        versusRaw = `${times(middle(ratios, (r) => r))} (${times(Math.min(...ratios))}–${times(Math.max(...ratios))})`;
      }
      return [
        path,
        String(spans),
        runEvents,
        `${ms.toFixed(0)} ms`,
        fmtRate(rate(spans, ms), "spans"),
        versusRaw,
        cpu === undefined ? "" : `${cpu.toFixed(2)} s`,
        cpu === undefined || raw.cpu === undefined ? "" : times(raw.cpu / cpu),
        mainCpu === undefined ? "" : `${mainCpu.toFixed(2)} s (${Math.round((mainCpu * 100_000) / ms)}% busy)`,
      ];
    };
    table([
      [
        "path",
        "spans",
        "run events",
        "time",
        "spans/s",
        "vs raw SQLite",
        "CPU",
        "CPU vs raw SQLite",
        "main thread CPU",
      ],
      row("raw SQLite: one INSERT per span, a transaction per request (baseline)", raw),
      row("null receiver: reads each body, answers 200", nothing),
      row(
        "in-process, the mapping alone: decode, assemble, serialize (the mapping thread's work)",
        mapping,
        String(events),
      ),
      row(
        "in-process, store.append alone of those events (the store's work on the main thread)",
        direct,
        String(events),
      ),
      row(
        `keystroke serve: POST /v1/traces, protobuf (~${Math.round(bytes)} B/span)`,
        roundsOf(measured.serve, raws),
        String(events),
      ),
      row("keystroke dev: the same", roundsOf(measured.dev, raws), String(events)),
      ...(before
        ? [
            row("keystroke serve, the other build (before)", roundsOf(measured.serveBefore, raws)),
            row("keystroke dev, the other build (before)", roundsOf(measured.devBefore, raws)),
          ]
        : []),
    ]);
    console.log(
      `goal: serve and dev ≥ 0.3× raw SQLite. Raw SQLite and the servers take ${ROUNDS} rounds in turn: each row shows its round of median time, and a server's rate over raw SQLite's in the same round (median, and the range over the rounds); the null receiver and the in-process stages, run once, are set against raw SQLite's median round. CPU is the server process's (all threads), steadier on a busy machine; main thread CPU is its HTTP and store thread's alone (the OTLP receiver maps on another), and how busy that thread was while the requests ran`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
