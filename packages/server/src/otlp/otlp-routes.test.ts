import { gzipSync } from "node:zlib";
import type { StoredEvent } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  jsonHeaders as json,
  type OtlpTestServer,
  post,
  protobufHeaders as proto,
  startOtlpTestServer,
  T0,
  testSpan,
  tracesBody,
} from "../testing/otlp-test-server.js";
import { openEventStream } from "../testing/sse-client.js";
import { decodeTracesProto } from "./wire/decode-proto.js";
import { ProtoReader } from "./wire/proto-reader.js";

/** google.rpc.Status { code = 1, message = 2 } */
function readStatus(body: Buffer): { code: number; message: string } {
  const reader = new ProtoReader(body);
  const status = { code: 0, message: "" };
  while (reader.more()) {
    const [field, wire] = reader.tag();
    if (field === 1) status.code = reader.varint();
    else if (field === 2) status.message = reader.string();
    else reader.skip(wire);
  }
  return status;
}

let server: OtlpTestServer;
beforeAll(async () => {
  server = await startOtlpTestServer({ maxBodyBytes: 64 * 1024, maxInFlight: 1 });
});
afterAll(() => server.close());

describe("POST /v1/traces", () => {
  it("accepts protobuf and answers an empty ExportTraceServiceResponse in protobuf", async () => {
    const response = await post(`${server.url}/v1/traces`, tracesBody([testSpan(1)]), proto);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-protobuf");
    expect(Buffer.from(await response.arrayBuffer())).toHaveLength(0);
  });

  it("accepts an empty request", async () => {
    expect((await post(`${server.url}/v1/traces`, Buffer.alloc(0), proto)).status).toBe(200);
  });

  it("answers JSON requests in JSON", async () => {
    const response = await post(`${server.url}/v1/traces`, JSON.stringify({ resourceSpans: [] }), json);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({});
  });

  it("reports spans it cannot place as a partial success", async () => {
    const body = tracesBody([testSpan(2), testSpan(3, { traceId: "" })]);
    const response = await post(`${server.url}/v1/traces`, body, proto);
    expect(response.status).toBe(200);
    const outer = new ProtoReader(Buffer.from(await response.arrayBuffer()));
    expect(outer.tag()).toEqual([1, 2]);
    const reader = outer.sub();
    const partial = { rejected: 0, message: "" };
    while (reader.more()) {
      const [field, wire] = reader.tag();
      if (field === 1) partial.rejected = reader.varint();
      else if (field === 2) partial.message = reader.string();
      else reader.skip(wire);
    }
    expect(partial).toEqual({ rejected: 1, message: "a span without a trace_id or span_id" });

    const jsonResponse = await post(
      `${server.url}/v1/traces`,
      JSON.stringify({
        resourceSpans: [
          { scopeSpans: [{ spans: [{ spanId: "00000000000000aa", name: "x", startTimeUnixNano: "1" }] }] },
        ],
      }),
      json,
    );
    expect(await jsonResponse.json()).toEqual({
      partialSuccess: { rejectedSpans: "1", errorMessage: "a span without a trace_id or span_id" },
    });
  });

  it("refuses undecodable bodies with 400 and a Status naming the problem, in the request's encoding", async () => {
    const truncated = tracesBody([testSpan(4)]).subarray(0, 20);
    const response = await post(`${server.url}/v1/traces`, truncated, proto);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/x-protobuf");
    expect(readStatus(Buffer.from(await response.arrayBuffer()))).toMatchObject({
      code: 3,
      message: expect.stringContaining("truncated"),
    });

    const wrongType = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 5 }] }] }] });
    const jsonResponse = await post(`${server.url}/v1/traces`, wrongType, json);
    expect(jsonResponse.status).toBe(400);
    expect(await jsonResponse.json()).toMatchObject({
      code: 3,
      message: "Undecodable OTLP body: resourceSpans[0].scopeSpans[0].spans[0].traceId: expected a string",
      error: { code: "invalid_input" },
    });
  });

  it("accepts gzip, and refuses bodies over the cap before and after gunzip with 413", async () => {
    const gzipped = gzipSync(tracesBody([testSpan(5)]));
    expect((await post(`${server.url}/v1/traces`, gzipped, { ...proto, "content-encoding": "gzip" })).status).toBe(200);

    const big = tracesBody([testSpan(6, { attributes: { text: "x".repeat(100 * 1024) } })]);
    expect((await post(`${server.url}/v1/traces`, big, proto)).status).toBe(413);
    const bomb = gzipSync(big);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const response = await post(`${server.url}/v1/traces`, bomb, { ...proto, "content-encoding": "gzip" });
    expect(response.status).toBe(413);
    expect(readStatus(Buffer.from(await response.arrayBuffer())).message).toContain("larger than the limit of 64 KiB");
    expect(
      (await post(`${server.url}/v1/traces`, Buffer.from("not gzip"), { ...proto, "content-encoding": "gzip" })).status,
    ).toBe(400);
  });

  it("refuses other content types with 415", async () => {
    expect((await post(`${server.url}/v1/traces`, "hello", { "content-type": "text/plain" })).status).toBe(415);
    const none = await fetch(`${server.url}/v1/logs`, { method: "POST", body: new Uint8Array([1, 2, 3]) });
    expect(none.status).toBe(415);
    expect(await none.json()).toMatchObject({ error: { code: "unsupported_media_type" } });
  });

  it("answers 429 with Retry-After while the receiver is busy, and serves again after", async () => {
    server.hold();
    const first = post(`${server.url}/v1/traces`, tracesBody([testSpan(7)]), proto);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const busy = await post(`${server.url}/v1/traces`, tracesBody([testSpan(8)]), proto);
    expect(busy.status).toBe(429);
    expect(busy.headers.get("retry-after")).toBe("1");
    expect(readStatus(Buffer.from(await busy.arrayBuffer())).code).toBe(8);
    server.release();
    expect((await first).status).toBe(200);
    expect((await post(`${server.url}/v1/traces`, tracesBody([testSpan(8)]), proto)).status).toBe(200);
  });

  it("answers 503 with Retry-After when the store cannot write, and takes the retry", async () => {
    const span = testSpan(10, { traceId: "a".repeat(32) });
    server.failWith(new Error("disk I/O error"));
    const failed = await post(`${server.url}/v1/traces`, tracesBody([span]), proto);
    server.failWith(undefined);
    expect(failed.status).toBe(503);
    expect(failed.headers.get("retry-after")).toBe("1");
    expect(readStatus(Buffer.from(await failed.arrayBuffer())).code).toBe(14);
    const retried = await post(`${server.url}/v1/traces`, tracesBody([span]), proto);
    expect(retried.status).toBe(200);
    expect(Buffer.from(await retried.arrayBuffer())).toHaveLength(0);
    const runs = (await server.store.listRuns({})).runs;
    const run = runs.find((r) => (r.triggerValue as { traceId?: string }).traceId === span.traceId);
    expect(run).toMatchObject({ tokens: { input: 10 } });
  });

  it("writes a conversation whole when the request carrying its root span is retried after a 503", async () => {
    const traceId = "b".repeat(32);
    const chat = testSpan(11, {
      traceId,
      parentSpanId: "00000000000000ff",
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "Sunny." }] }]),
      },
    });
    const root = testSpan(255, {
      traceId,
      name: "invoke_agent",
      attributes: { "gen_ai.operation.name": "invoke_agent" },
    });
    expect((await post(`${server.url}/v1/traces`, tracesBody([chat]), proto)).status).toBe(200);
    server.failWith(new Error("database is locked"));
    const failed = await post(`${server.url}/v1/traces`, tracesBody([root]), proto);
    server.failWith(undefined);
    expect(failed.status).toBe(503);
    expect((await post(`${server.url}/v1/traces`, tracesBody([root]), proto)).status).toBe(200);
    const runs = (await server.store.listRuns({})).runs;
    const run = runs.find((r) => (r.triggerValue as { traceId?: string }).traceId === traceId);
    expect(run).toMatchObject({ status: "success", messageCount: 1 });
  });

  it("streams each span whole to a follower of its run, attributes and span events included", async () => {
    const traceId = "c".repeat(32);
    const root = testSpan(0x200, {
      traceId,
      name: "invoke_agent",
      attributes: { "gen_ai.operation.name": "invoke_agent" },
    });
    expect((await post(`${server.url}/v1/traces`, tracesBody([root]), proto)).status).toBe(200);
    const run = (await server.store.listRuns({})).runs.find(
      (r) => (r.triggerValue as { traceId?: string }).traceId === traceId,
    );
    if (run === undefined) throw new Error("the root span made no run");
    const stream = await openEventStream(`${server.url}/api/runs/${run.runId}/events`);
    const written = (await server.store.readEvents(run.runId, 0)).length;
    await stream.waitFor(written);

    const chat = testSpan(0x201, {
      traceId,
      parentSpanId: root.spanId,
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 12,
        "app.note": "x".repeat(300),
      },
      events: [{ name: "retry", timeMs: T0 + 0x201, attributes: { attempt: 2 } }],
    });
    expect((await post(`${server.url}/v1/traces`, tracesBody([chat]), proto)).status).toBe(200);
    const live = (await stream.waitFor(written + 1))
      .map((message) => JSON.parse(message.data) as StoredEvent)
      .find((event) => event.type === "span.recorded" && event.span.spanId === chat.spanId);
    stream.close();
    expect(live).toMatchObject({
      span: {
        attributes: { "app.note": "x".repeat(300), "gen_ai.usage.input_tokens": 12 },
        events: [{ name: "retry", attributes: { attempt: 2 } }],
      },
      model: { model: "gpt-4o", usage: { inputTokens: 12 } },
    });
    // The follower got what the store keeps.
    const stored = (await server.store.readEvents(run.runId, 0)).find((event) => event.seq === live?.seq);
    expect(live).toEqual(stored);
  });

  it("hands each span whole to a listener of every run (an exporter, a relay), and its head only to the store", async () => {
    const traceId = "d".repeat(32);
    const heard: StoredEvent[] = [];
    const stop = server.server.bus.subscribeAll((batch) => heard.push(...batch.events));
    try {
      const root = testSpan(0x300, {
        traceId,
        name: "invoke_agent",
        attributes: { "gen_ai.operation.name": "invoke_agent" },
      });
      const chat = testSpan(0x301, {
        traceId,
        parentSpanId: root.spanId,
        attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o", "app.note": "kept" },
      });
      expect((await post(`${server.url}/v1/traces`, tracesBody([chat, root]), proto)).status).toBe(200);
    } finally {
      stop();
    }
    const spans = heard.filter((event) => event.type === "span.recorded" && event.span.traceId === traceId);
    expect(
      spans.map((event) => event.type === "span.recorded" && event.span.attributes["gen_ai.operation.name"]),
    ).toEqual(["invoke_agent", "chat"]);
    const stored = await server.store.readEvents(spans[0]?.runId as string, 0);
    expect(spans).toEqual(stored.filter((event) => event.type === "span.recorded"));
    expect(spans[1]).toMatchObject({ span: { attributes: { "app.note": "kept" } }, model: { model: "gpt-4o" } });
  });

  it("round-trips the bodies it builds", () => {
    expect(decodeTracesProto(tracesBody([testSpan(9)]))[0]).toMatchObject({
      name: "chat 9",
      spanId: "0000000000000009",
    });
  });
});

describe("POST /v1/logs", () => {
  it("places log records by trace or conversation, and refuses the rest as a partial success", async () => {
    const body = JSON.stringify({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: "1795860000000000000",
                  body: { stringValue: "kept" },
                  attributes: [{ key: "gen_ai.conversation.id", value: { stringValue: "c-1" } }],
                },
                { timeUnixNano: "1795860000000000000", body: { stringValue: "nowhere to go" } },
              ],
            },
          ],
        },
      ],
    });
    const response = await post(`${server.url}/v1/logs`, body, json);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      partialSuccess: {
        rejectedLogRecords: "1",
        errorMessage: "a log record without a trace_id or gen_ai.conversation.id, so no run to put it in",
      },
    });
  });
});

describe("a conversation whose root span never arrives", () => {
  it("is written when the server closes", async () => {
    const own = await startOtlpTestServer();
    const chat = testSpan(1, {
      parentSpanId: "00000000000000ff",
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.output.messages": JSON.stringify([
          { role: "assistant", parts: [{ type: "text", content: "partial" }] },
        ]),
      },
    });
    expect((await post(`${own.url}/v1/traces`, tracesBody([chat]), proto)).status).toBe(200);
    const runId = (await own.store.listRuns({})).runs[0]?.runId as string;
    expect((await own.store.getRun(runId))?.run).toMatchObject({ status: "running", messageCount: 0 });
    await own.server.close();
    expect((await own.store.getRun(runId))?.run).toMatchObject({ status: "running", messageCount: 1 });
    await own.close();
  });
});

describe("chunked bodies, as OpenTelemetry's HTTP exporters send them", () => {
  it("takes a dozen at once: each counts for the bytes it sent, not the body cap", async () => {
    const own = await startOtlpTestServer();
    try {
      const opened: (() => void)[] = [];
      const responses = Array.from({ length: 12 }, (_, i) => {
        const body = tracesBody([testSpan(100 + i, { traceId: (0xc0 + i).toString(16).padStart(32, "0") })]);
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(body);
            // The body stays open until every request has started, so all twelve are in flight at once.
            opened.push(() => controller.close());
          },
        });
        return fetch(`${own.url}/v1/traces`, {
          method: "POST",
          headers: proto,
          body: stream,
          duplex: "half",
        } as RequestInit);
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      for (const close of opened) close();
      expect((await Promise.all(responses)).map((response) => response.status)).toEqual(Array(12).fill(200));
    } finally {
      await own.close();
    }
  });
});
