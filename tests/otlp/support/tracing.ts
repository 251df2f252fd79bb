/**
 * Real OpenTelemetry pipelines pointed at a test server: a NodeTracerProvider with a batch span
 * processor and the protobuf or JSON OTLP exporter, and a LoggerProvider with the log exporters.
 */
import { context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { OTLPLogExporter as OTLPLogHttpExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPLogExporter as OTLPLogProtoExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPTraceExporter as OTLPTraceHttpExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OTLPTraceProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { CompressionAlgorithm } from "@opentelemetry/otlp-exporter-base";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { BatchSpanProcessor, NodeTracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace-node";

// Child spans find their parent through the active context, as in an app that registers its provider.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

export interface TracingOptions {
  encoding?: "protobuf" | "json";
  gzip?: boolean;
  service?: string;
  headers?: Record<string, string>;
  /**
   * Spans or log records per export request (the processors' `maxExportBatchSize`, 512 by
   * default): small, so that a trace's root, which ends last, comes in a later request.
   */
  batchSize?: number;
  /** How long the processors wait before exporting what they have (with `batchSize`, 50 ms). */
  delayMs?: number;
}

function batchOptions(options: TracingOptions) {
  const batch =
    options.batchSize === undefined
      ? {}
      : { maxExportBatchSize: options.batchSize, maxQueueSize: 100_000, scheduledDelayMillis: 50 };
  return options.delayMs === undefined ? batch : { ...batch, scheduledDelayMillis: options.delayMs };
}

/** A tracer provider exporting to `${url}/v1/traces`; call `forceFlush()` before reading back. */
export function tracerProvider(url: string, options: TracingOptions = {}): NodeTracerProvider {
  const config = {
    url: `${url}/v1/traces`,
    headers: options.headers ?? {},
    compression: options.gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
  };
  const exporter = options.encoding === "json" ? new OTLPTraceHttpExporter(config) : new OTLPTraceProtoExporter(config);
  return new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": options.service ?? "shop-assistant" }),
    spanProcessors: [new BatchSpanProcessor(exporter, batchOptions(options))],
  });
}

/** A logger provider exporting to `${url}/v1/logs`. */
export function loggerProvider(url: string, options: TracingOptions = {}): LoggerProvider {
  const config = {
    url: `${url}/v1/logs`,
    headers: options.headers ?? {},
    compression: options.gzip ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
  };
  const exporter = options.encoding === "json" ? new OTLPLogHttpExporter(config) : new OTLPLogProtoExporter(config);
  return new LoggerProvider({
    resource: resourceFromAttributes({ "service.name": options.service ?? "shop-assistant" }),
    processors: [new BatchLogRecordProcessor({ exporter, ...batchOptions(options) })],
  });
}

/**
 * Exports `spans` in one request to `${url}/v1/traces` with the real protobuf exporter, into
 * `project` (the `x-keystroke-project` header); throws when the export fails.
 */
export async function exportSpans(url: string, project: string, spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceProtoExporter({ url: `${url}/v1/traces`, headers: { "x-keystroke-project": project } });
  const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans, resolve));
  await exporter.shutdown();
  if (result.code !== 0) throw result.error ?? new Error("export failed");
}
