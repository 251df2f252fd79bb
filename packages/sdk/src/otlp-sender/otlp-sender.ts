/**
 * The one way Keystroke POSTs OTLP: the server's exporter (its runs, as protobuf, to another
 * backend) and the OpenAI Agents processor (the SDK's traces, as JSON, to a Keystroke server)
 * both queue their spans here.
 *
 * One batch is in flight at a time and what waits behind it is bounded: a backend that is down or
 * slow costs at most `maxQueued` items of memory, the oldest queued being dropped first (told once
 * to `onError` until the queue empties again). A request times out; it is retried when the backend
 * answers 429, 502, 503 or 504 — after the Retry-After it names, seconds or a date, capped — or
 * cannot be reached or does not answer in time, after a short pause that doubles each attempt.
 * OTLP receivers (Keystroke's included) derive ids from the spans, so a retried batch is harmless.
 */
import { retryAfterMs } from "./retry-after.js";

/** A request body and its media type. */
export interface OtlpBody {
  body: string | Uint8Array;
  contentType: string;
}

export interface OtlpSenderOptions<T> {
  /** Where batches are POSTed, e.g. `http://collector:4318/v1/traces`. */
  url: string;
  /** Turns one batch into a request body (OTLP protobuf or JSON). */
  encode: (batch: T[]) => OtlpBody;
  /** Sent with every request, e.g. `{ authorization: "Bearer …" }`. */
  headers?: Record<string, string>;
  /** Items per request. Default 512. */
  maxBatch?: number;
  /** How long items wait for more before they are sent. Default 1 s. */
  delayMs?: number;
  /** Items queued and in flight at most; past it the oldest queued are dropped. Default 8,192. */
  maxQueued?: number;
  /** A request not answered within this long is abandoned (and retried). Default 10 s. */
  timeoutMs?: number;
  /** Tries per batch, the first included. Default 3. */
  maxAttempts?: number;
  /** The first pause after a connection error or timeout, doubled for each further attempt. Default 250 ms. */
  backoffMs?: number;
  /** The longest Retry-After honoured. Default 30 s. */
  maxRetryAfterMs?: number;
  /** Told about a batch that could not be delivered, and once about dropped items. */
  onError?: (error: Error) => void;
}

const retryableStatuses = new Set([429, 502, 503, 504]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A bounded, batching OTLP/HTTP sender with retries.
 *
 * @example
 * const sender = new OtlpSender<Span>({ url, encode: (spans) => ({ body: toJson(spans), contentType: "application/json" }) });
 * sender.add([span]);
 * await sender.close();
 */
export class OtlpSender<T> {
  private queue: T[] = [];
  private inFlight = 0;
  /** Items have been dropped since the queue was last empty (reported once). */
  private dropping = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly options: OtlpSenderOptions<T>) {}

  /** Queues items; a full batch is sent at once, a partial one after `delayMs`. */
  add(items: readonly T[]): void {
    if (items.length === 0) return;
    this.queue.push(...items);
    const excess = this.queue.length + this.inFlight - (this.options.maxQueued ?? 8192);
    if (excess > 0) this.drop(Math.min(excess, this.queue.length));
    if (this.queue.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.delayMs ?? 1000);
  }

  /** Sends what is queued; resolves when everything queued so far has been sent (or given up on). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.sending = this.sending.then(() => this.sendQueued());
    return this.sending;
  }

  /** Sends what is left. */
  close(): Promise<void> {
    return this.flush();
  }

  private get maxBatch(): number {
    return this.options.maxBatch ?? 512;
  }

  private async sendQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
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
    this.report(
      new Error(`OTLP export to ${this.options.url} is behind: dropped the oldest spans to keep the queue bounded`),
    );
  }

  private async send(batch: T[]): Promise<void> {
    const { body, contentType } = this.options.encode(batch);
    const attempts = Math.max(1, this.options.maxAttempts ?? 3);
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts;
      try {
        const response = await fetch(this.options.url, {
          method: "POST",
          headers: { ...this.options.headers, "content-type": contentType },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
        const text = await response.text();
        if (response.ok) return;
        if (!retryableStatuses.has(response.status) || last) {
          return this.report(this.failure(`it answered ${response.status}: ${text.slice(0, 300)}`, attempt));
        }
        await sleep(retryAfterMs(response.headers.get("retry-after"), this.options.maxRetryAfterMs ?? 30_000));
      } catch (error) {
        const cause = error instanceof Error ? error : new Error(String(error));
        if (last) return this.report(this.failure(cause.message, attempt, cause));
        await sleep((this.options.backoffMs ?? 250) * 2 ** (attempt - 1));
      }
    }
  }

  private failure(reason: string, attempts: number, cause?: Error): Error {
    const tries = attempts === 1 ? "" : ` (${attempts} attempts)`;
    return new Error(`Could not send spans to ${this.options.url}${tries}: ${reason}`, { cause });
  }

  private report(error: Error): void {
    this.options.onError?.(error);
  }
}
