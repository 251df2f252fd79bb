/**
 * The hand-written protobuf and JSON decoders against the OpenTelemetry SDK's own serializers:
 * real spans and log records, serialized by `@opentelemetry/otlp-transformer` as the exporters
 * do, decode to the same values both ways; Keystroke's encoder round-trips; and its responses
 * read back with the SDK's response deserializer.
 */

import {
  decodeLogsJson,
  decodeLogsProto,
  decodeTracesJson,
  decodeTracesProto,
  encodeTracesProto,
  ProtoWriter,
} from "@keystroke/server/testing";
import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  JsonLogsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufTraceSerializer,
} from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, InMemoryLogRecordExporter, LoggerProvider } from "@opentelemetry/sdk-logs";
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
import { describe, expect, it } from "vitest";
import { T0 } from "./support/spans.js";

const resource = resourceFromAttributes({ "service.name": "wire-test", "deployment.environment": "ci" });

function recordSpans() {
  const memory = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer("wire");
  const root = tracer.startSpan("invoke_agent", {
    startTime: T0,
    attributes: { "gen_ai.operation.name": "invoke_agent" },
  });
  const child = tracer.startSpan(
    "chat gpt-4o",
    {
      startTime: T0 + 5,
      kind: 2,
      attributes: {
        text: "héllo ✓",
        flag: true,
        count: 1200,
        negative: -7,
        ratio: 0.25,
        list: ["a", "b"],
        numbers: [1, 2, 3],
      },
    },
    trace.setSpan(context.active(), root),
  );
  child.addEvent("gen_ai.content.prompt", { "gen_ai.prompt": "[]" }, T0 + 6);
  child.setStatus({ code: SpanStatusCode.ERROR, message: "rate limited" });
  child.end(T0 + 9);
  root.end(T0 + 10);
  return memory.getFinishedSpans();
}

describe("trace decoding", () => {
  it("decodes what the SDK's protobuf and JSON serializers write, alike", () => {
    const spans = recordSpans();
    const fromProto = decodeTracesProto(Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array));
    const fromJson = decodeTracesJson(
      JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(spans) as Uint8Array).toString()),
    );
    expect(fromJson).toEqual(fromProto);
    const chat = fromProto.find((s) => s.name === "chat gpt-4o");
    expect(chat).toMatchObject({
      traceId: spans[0]?.spanContext().traceId,
      kind: 3,
      startMs: expect.closeTo(T0 + 5, 3),
      endMs: expect.closeTo(T0 + 9, 3),
      statusCode: 2,
      statusMessage: "rate limited",
      attributes: {
        text: "héllo ✓",
        flag: true,
        count: 1200,
        negative: -7,
        ratio: 0.25,
        list: ["a", "b"],
        numbers: [1, 2, 3],
      },
      events: [
        { name: "gen_ai.content.prompt", timeMs: expect.closeTo(T0 + 6, 3), attributes: { "gen_ai.prompt": "[]" } },
      ],
      resource: { "service.name": "wire-test", "deployment.environment": "ci" },
    });
    expect(fromProto.find((s) => s.name === "invoke_agent")?.parentSpanId).toBeUndefined();
    expect(chat?.parentSpanId).toBe(fromProto.find((s) => s.name === "invoke_agent")?.spanId);
  });

  it("round-trips Keystroke's own encoding", () => {
    const spans = decodeTracesProto(Buffer.from(ProtobufTraceSerializer.serializeRequest(recordSpans()) as Uint8Array));
    const encoded = encodeTracesProto([
      { resource: spans[0]?.resource ?? {}, scope: { name: "wire" }, spans: spans.map(({ resource: _, ...s }) => s) },
    ]);
    expect(decodeTracesProto(encoded)).toEqual(spans);
  });
});

describe("log decoding", () => {
  it("decodes what the SDK's protobuf and JSON serializers write, alike", async () => {
    const memory = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: memory })] });
    provider.getLogger("wire").emit({
      eventName: "gen_ai.client.inference.operation.details",
      timestamp: T0,
      severityNumber: 9,
      severityText: "INFO",
      body: { content: "hi", nested: { list: [1, "two"] } },
      attributes: { "gen_ai.input.messages": [{ role: "user", parts: [{ type: "text", content: "hi" }] }] },
    });
    await provider.forceFlush();
    const records = memory.getFinishedLogRecords();
    const fromProto = decodeLogsProto(Buffer.from(ProtobufLogsSerializer.serializeRequest(records) as Uint8Array));
    const fromJson = decodeLogsJson(
      JSON.parse(Buffer.from(JsonLogsSerializer.serializeRequest(records) as Uint8Array).toString()),
    );
    expect(fromJson).toEqual(fromProto);
    expect(fromProto[0]).toMatchObject({
      timeMs: expect.closeTo(T0, 3),
      severityNumber: 9,
      eventName: "gen_ai.client.inference.operation.details",
      body: { content: "hi", nested: { list: [1, "two"] } },
      attributes: { "gen_ai.input.messages": [{ role: "user", parts: [{ type: "text", content: "hi" }] }] },
    });
  });
});

it("a partial success response reads back with the SDK's deserializer", () => {
  const body = new ProtoWriter().message(1, (p) => p.int(1, 3).string(2, "a span without a trace_id")).finish();
  expect(ProtobufTraceSerializer.deserializeResponse(body)).toMatchObject({
    partialSuccess: { rejectedSpans: 3, errorMessage: "a span without a trace_id" },
  });
});
