/**
 * Sends Keystroke's own runs to another OTLP backend (Jaeger, Tempo, Honeycomb, Langfuse, an
 * OpenTelemetry Collector…) so teams keep their observability tools. It listens to the live bus
 * — committed events only — turns them into GenAI-convention spans (run-spans.ts) and POSTs them
 * as protobuf in batches, retrying what the backend asks to be retried. Runs that came in over
 * OTLP are not sent back out: they are already in the sender's pipeline.
 *
 * One batch is in flight at a time and the spans waiting behind it are bounded: a backend that is
 * down or slow costs at most `maxQueued` spans of memory, the oldest being dropped first (told once
 * to `onError` until the queue empties again), and a refused connection is retried after a short,
 * growing pause rather than at once.
 */
import type { PublishedBatch } from "../../events/run-event-bus.js";
import { encodeTracesProto, type SpanToEncode } from "../wire/encode-proto.js";
import { RunSpans } from "./run-spans.js";

export interface OtlpExportOptions {
  /** The backend's traces endpoint, e.g. `http://collector:4318/v1/traces` (`/v1/traces` is added to a bare origin). */
  url: string;
  /** Sent with every request, e.g. `{ authorization: "Bearer …" }`. */
  headers?: Record<string, string>;
  /** Spans per request. Default 512. */
  maxBatch?: number;
  /** How long spans wait for more before they are sent. Default 1 s. */
  delayMs?: number;
  /** Spans queued and in flight at most; past it the oldest queued are dropped. Default 8,192. */
  maxQueued?: number;
  /** The first pause after a connection error, doubled for each further attempt. Default 250 ms. */
  backoffMs?: number;
  /** Told about a batch that could not be delivered. */
  onError?: (error: Error) => void;
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

const retryable = new Set([429, 502, 503, 504]);
const ATTEMPTS = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @example
 * const exporter = new OtlpExporter({ url: "http://localhost:4318" });
 * bus.subscribeAll((batch) => exporter.publish(batch));
 * await exporter.close();
 */
export class OtlpExporter {
  private readonly spans = new RunSpans();
  private readonly url: string;
  private queue: { project: string; span: SpanToEncode }[] = [];
  private inFlight = 0;
  /** Spans have been dropped since the queue was last empty (reported once). */
  private dropping = false;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly options: OtlpExportOptions) {
    this.url = tracesUrl(options.url);
  }

  publish(batch: PublishedBatch): void {
    if (batch.run.trigger === "OpenTelemetry") return;
    for (const span of this.spans.add(batch.run, batch.events)) this.queue.push({ project: batch.run.project, span });
    const excess = this.queue.length + this.inFlight - (this.options.maxQueued ?? 8192);
    if (excess > 0) this.drop(Math.min(excess, this.queue.length));
    if (this.queue.length >= (this.options.maxBatch ?? 512)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.delayMs ?? 1000);
  }

  /** Sends what is queued; resolves when everything queued so far has been sent (or given up on). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sending = this.sending.then(() => this.sendQueued());
    return this.sending;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private async sendQueued(): Promise<void> {
    const max = this.options.maxBatch ?? 512;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, max);
      this.inFlight = batch.length;
      await this.send(batch);
      this.inFlight = 0;
    }
    this.dropping = false;
  }

  private drop(count: number): void {
    this.queue.splice(0, count);
    if (this.dropping) return;
    this.dropping = true;
    this.options.onError?.(
      new Error(`OTLP export to ${this.url} is behind: dropped the oldest spans to keep the queue bounded`),
    );
  }

  private async send(batch: { project: string; span: SpanToEncode }[]): Promise<void> {
    const byProject = new Map<string, SpanToEncode[]>();
    for (const { project, span } of batch) byProject.set(project, [...(byProject.get(project) ?? []), span]);
    const body = encodeTracesProto(
      [...byProject].map(([project, spans]) => ({
        resource: { "service.name": "keystroke", "keystroke.project": project },
        scope: { name: "keystroke" },
        spans,
      })),
    );
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        const response = await fetch(this.url, {
          method: "POST",
          body,
          headers: { ...this.options.headers, "content-type": "application/x-protobuf" },
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        if (response.ok) return;
        if (!retryable.has(response.status)) throw new Error(`OTLP export to ${this.url} answered ${response.status}`);
        const wait = Number(response.headers.get("retry-after") ?? "1");
        if (attempt < ATTEMPTS - 1) await sleep(Math.min(Number.isFinite(wait) ? wait : 1, 5) * 1000);
      } catch (error) {
        if (attempt === ATTEMPTS - 1 || !(error instanceof TypeError)) {
          this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        await sleep((this.options.backoffMs ?? 250) * 2 ** attempt);
      }
    }
    this.options.onError?.(new Error(`OTLP export to ${this.url} gave up after ${ATTEMPTS} attempts`));
  }
}
