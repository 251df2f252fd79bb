/**
 * Sends Keystroke's own runs to another OTLP backend (Jaeger, Tempo, Honeycomb, Langfuse, an
 * OpenTelemetry Collector…) so teams keep their observability tools. It listens to the live bus
 * — committed events only — turns them into GenAI-convention spans (run-spans.ts) and POSTs them
 * as protobuf through the sdk's OTLP sender (bounded queue, batches, timeouts, retries with
 * Retry-After), the one the OpenAI Agents processor uses too. Runs that came in over OTLP are not
 * sent back out: they are already in the sender's pipeline.
 */
import { OTLP_TRIGGER } from "@keystroke/core";
import { OtlpSender, type OtlpSenderOptions } from "keystroke/otlp-sender";
import type { PublishedBatch } from "../../events/run-event-bus.js";
import { encodeTracesProto, type SpanToEncode } from "../wire/encode-proto.js";
import { RunSpans } from "./run-spans.js";

/**
 * Where and how to send: the sender's options (batch size, delay, queue bound, timeout, attempts,
 * backoff, Retry-After cap, onError) less the encoding, which is OTLP protobuf.
 */
export interface OtlpExportOptions extends Omit<OtlpSenderOptions<ExportedSpan>, "encode"> {
  /** The backend's traces endpoint, e.g. `http://collector:4318/v1/traces` (`/v1/traces` is added to a bare origin). */
  url: string;
}

interface ExportedSpan {
  project: string;
  span: SpanToEncode;
}

/** `KEYSTROKE_OTLP_EXPORT_HEADERS`-style `key=value,key2=value2`, as OTEL_EXPORTER_OTLP_HEADERS. */
export function parseHeaders(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    const eq = pair.indexOf("=");
    if (eq > 0) headers[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return headers;
}

function tracesUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.pathname === "/" || parsed.pathname === "") parsed.pathname = "/v1/traces";
  return parsed.toString();
}

/**
 * @example
 * const exporter = new OtlpExporter({ url: "http://localhost:4318" });
 * bus.subscribeAll((batch) => exporter.publish(batch));
 * await exporter.close();
 */
export class OtlpExporter {
  private readonly spans = new RunSpans();
  private readonly sender: OtlpSender<ExportedSpan>;

  constructor(options: OtlpExportOptions) {
    this.sender = new OtlpSender({ ...options, url: tracesUrl(options.url), encode });
  }

  publish(batch: PublishedBatch): void {
    if (batch.run.trigger === OTLP_TRIGGER) return;
    this.sender.add(this.spans.add(batch.run, batch.events).map((span) => ({ project: batch.run.project, span })));
  }

  /** Sends what is queued; resolves when everything queued so far has been sent (or given up on). */
  flush(): Promise<void> {
    return this.sender.flush();
  }

  async close(): Promise<void> {
    await this.sender.close();
  }
}

/** One protobuf request: the spans grouped by project, each group a resource of its own. */
function encode(batch: ExportedSpan[]) {
  const byProject = new Map<string, SpanToEncode[]>();
  for (const { project, span } of batch) byProject.set(project, [...(byProject.get(project) ?? []), span]);
  const body = encodeTracesProto(
    [...byProject].map(([project, spans]) => ({
      resource: { "service.name": "keystroke", "keystroke.project": project },
      scope: { name: "keystroke" },
      spans,
    })),
  );
  return { body, contentType: "application/x-protobuf" };
}
