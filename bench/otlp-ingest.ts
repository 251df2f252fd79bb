/**
 * OTLP ingest: protobuf ExportTraceServiceRequests of 512 GenAI spans (agent runs of an
 * invoke_agent span, four chat calls with their messages and three tool calls) POSTed to
 * /v1/traces by concurrent keep-alive clients against a server in its own process, beside the
 * raw store append of the same mapped events in-process (decoding and mapping done beforehand,
 * not timed) as the baseline measured in the same run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IngestBatch } from "@keystroke/core";
import { openSqliteStore } from "@keystroke/store";
import { TraceAssembler } from "../packages/server/src/otlp/map/trace-assembler.js";
import type { Attributes } from "../packages/server/src/otlp/otlp-model.js";
import { decodeTracesProto } from "../packages/server/src/otlp/wire/decode-proto.js";
import { encodeTracesProto, type SpanToEncode } from "../packages/server/src/otlp/wire/encode-proto.js";
import { random } from "./data.js";
import { fmtRate, heading, rate, table, timeAsync } from "./report.js";
import { startServerProcess } from "./server-process.js";

const SPANS_PER_BATCH = 512;
const SPANS_PER_RUN = 8;
const BATCHES = 130;
const WARM_UP = 30;
const TIMED = BATCHES - WARM_UP;
const CLIENTS = 6;

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, "0");
const json = (value: unknown) => JSON.stringify(value);

/** One agent run as its spans: invoke_agent, then chat, tool, chat, tool, chat, tool, chat. */
function runSpans(run: number, at: number, next: () => number): SpanToEncode[] {
  const traceId = hex(run + 1, 32);
  const id = (k: number) => hex(run * SPANS_PER_RUN + k + 1, 16);
  const base = { traceId, parentIsRemote: false, kind: 1, events: [], statusCode: 0, statusMessage: "" };
  const question = `Where is order ${Math.floor(next() * 100_000)}? It was due on Monday and I still have no tracking link.`;
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

export async function benchOtlpIngest(): Promise<void> {
  heading(
    `OTLP ingest: ${TIMED} protobuf requests of ${SPANS_PER_BATCH} GenAI spans after ${WARM_UP} to warm up, ${CLIENTS} concurrent clients, server in its own process`,
  );
  const payloads = bodies();
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-"));
  try {
    const assembler = new TraceAssembler();
    const mapped: IngestBatch[][] = payloads.map(
      (body) => assembler.assemble(undefined, decodeTracesProto(body), []).batches,
    );
    const events = mapped
      .slice(WARM_UP)
      .reduce((n, batches) => n + batches.reduce((m, b) => m + b.events.length, 0), 0);
    const store = openSqliteStore(join(dir, "direct.db"));
    for (const batches of mapped.slice(0, WARM_UP)) await store.append(batches);
    const direct = await timeAsync(async () => {
      for (const batches of mapped.slice(WARM_UP)) await store.append(batches);
    });
    await store.close();

    const { url, child } = await startServerProcess(join(dir, "otlp.db"));
    let otlp: { ms: number };
    try {
      const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
      const postAll = async (list: readonly Buffer[]) => {
        let nextBody = 0;
        const client = async () => {
          while (nextBody < list.length) await post(url, agent, list[nextBody++] as Buffer);
        };
        await Promise.all(Array.from({ length: CLIENTS }, client));
      };
      await postAll(payloads.slice(0, WARM_UP));
      otlp = await timeAsync(() => postAll(payloads.slice(WARM_UP)));
      agent.destroy();
    } finally {
      child.kill("SIGTERM");
    }
    const spans = TIMED * SPANS_PER_BATCH;
    const bytes = payloads.reduce((n, p) => n + p.length, 0) / (BATCHES * SPANS_PER_BATCH);
    table([
      ["path", "spans", "run events", "time", "spans/s", "vs store"],
      [
        "store.append of the mapped events in-process (baseline)",
        String(spans),
        String(events),
        `${direct.ms.toFixed(0)} ms`,
        fmtRate(rate(spans, direct.ms), "spans"),
        "1.00×",
      ],
      [
        `POST /v1/traces, protobuf (~${Math.round(bytes)} B/span)`,
        String(spans),
        String(events),
        `${otlp.ms.toFixed(0)} ms`,
        fmtRate(rate(spans, otlp.ms), "spans"),
        `${(direct.ms / otlp.ms).toFixed(2)}×`,
      ],
    ]);
    console.log("target: ≥ 30,000 spans/s over OTLP, ≥ 0.5× the store rate");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
