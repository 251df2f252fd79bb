/**
 * The OTLP receiver maps on a thread of its own. Undoing gzip, decoding protobuf or JSON and
 * assembling spans into run events is about as much work as writing the events, and the
 * writing has to stay on the thread that owns the store; with the mapping beside it, on the
 * machine's other core, the receiver takes about 1.35 times as many spans a second (`npm run
 * bench -- otlp`, docs/otlp.md). One worker thread holds the one TraceAssembler, so traces are
 * remembered across requests as on one thread (a thread that dies forgets them, as a restart
 * does); it starts with the first OTLP request, so a server that never receives one never
 * starts it.
 *
 * Until `settle` says which batches of a request the store could not write, the worker keeps how
 * to hold each of them again (TraceAssembler.undoOf); those are held again there, so the
 * exporter's retry writes them whole.
 *
 * A thread that starts knows nothing of the traces of the thread before it (or of the process
 * before a crash): it is first told which runs may be traces waiting for their conversation id,
 * with their spans (`waitingRuns`), so it holds their conversation again and such a trace still
 * moves into its conversation's run when the id comes.
 *
 * A thread that dies after it answered is replaced at the next request. One that dies before
 * answering anything (it cannot even start: a broken install) is not started again at once: the
 * requests of the next second, then two, four… up to 30 get 503 straight away, so a thread that
 * can never start does not cost its start-up at every request.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import {
  asStored,
  type ErrorCode,
  type IngestBatch,
  KeystrokeError,
  type RunEvent,
  type StoredEvent,
} from "@keystroke/core";
import type { RestoredLog, RunRef, TraceAssemblerOptions } from "./map/trace-assembler.js";
import type { OtlpSpan } from "./otlp-model.js";
import type { OtlpEncoding, OtlpSignal } from "./otlp-reply.js";

/** What the receiver asks of the mapping worker. */
export type ToMapper =
  | {
      type: "map";
      id: number;
      body: Uint8Array;
      contentEncoding: string | undefined;
      encoding: OtlpEncoding;
      signal: OtlpSignal;
      project: string | undefined;
    }
  | { type: "drain"; id: number; all: boolean }
  | { type: "settle"; id: number; giveBack: number[] };

/** An error thrown while mapping, as it crosses to the receiver. */
export type MappingError =
  | { keystroke: true; code: ErrorCode; message: string; hint: string | undefined; details: unknown }
  | { keystroke: false; name: string; message: string; stack: string | undefined };

/**
 * Runs that may be traces filed under a run of their own, waiting for their root or conversation
 * id, newest first (TraceAssemblerOptions.waitingRuns), the spans of the runs' traces whose
 * conversation the thread is to hold again (TraceAssembler.restore), and the recent turns of
 * conversations whose root came (TraceAssembler.rememberEnded).
 */
export interface WaitingRuns {
  runIds: readonly string[];
  traces: readonly { run: RunRef; spans: OtlpSpan[]; logs: RestoredLog[] }[];
  rooted: readonly { run: RunRef; traceIds: string[] }[];
}

/** A run's batch as it crosses from the mapping worker: each event's stored JSON (IngestBatch.bodies). */
export interface MappedBatch {
  runId: string;
  bodies: string[];
  /** Where the head of each body ends (spanHeadEnd), 0 for a body to parse whole. */
  heads: number[];
}

/**
 * A mapped event from its stored JSON. Of a span (`headEnd` > 0) only the head is parsed: what
 * the store reads of it. Parsing every span whole took a fifth of the writing thread's time under
 * `npm run bench -- otlp`, and the rest of a span (its attributes) is read only by those who follow
 * the run live, for whom `wholeEvents` parses it then.
 */
export function parseMappedEvent(body: string, headEnd: number): RunEvent {
  if (headEnd > 0) {
    try {
      const head = JSON.parse(`${body.slice(0, headEnd)}}}`) as RunEvent;
      if (isHead(head) && typeof head.span.spanId === "string" && typeof head.span.startTime === "string") return head;
    } catch {
      // Not a head after all: the whole body is parsed below.
    }
  }
  return JSON.parse(body) as RunEvent;
}

/** A span's event parsed from its head alone: a whole one has its attributes. */
const isHead = (event: RunEvent): event is Extract<RunEvent, { type: "span.recorded" }> =>
  event.type === "span.recorded" && event.span.attributes === undefined;

/**
 * The events the store wrote of `batch`, whole: each span's parsed from its head alone
 * (parseMappedEvent) is parsed again from its body. The store made the batch's events its stored
 * events in place (IngestBatch.bodies), so each is found in the batch by identity. (A WeakMap
 * from each head to its body, set for every span, cost the writing thread more than the heads saved.)
 */
export function wholeEvents(events: readonly StoredEvent[], batch: IngestBatch): readonly StoredEvent[] {
  const bodies = batch.bodies;
  if (bodies === undefined || !events.some(isHead)) return events;
  const at = new Map<RunEvent, number>(batch.events.map((event, i) => [event, i]));
  return events.map((event) => {
    const i = at.get(event);
    const body = i === undefined ? undefined : bodies[i];
    return body === undefined || !isHead(event)
      ? event
      : asStored(JSON.parse(body) as RunEvent, event.runId, event.seq, true);
  });
}

/** What the mapping worker answers. */
export type FromMapper =
  | { type: "mapped"; id: number; batches: MappedBatch[]; rejected: number; reason: string }
  | { type: "failed"; id: number; error: MappingError };

/** One request (or drain) mapped: settle it once its batches were appended. */
export interface Mapped {
  id: number;
  batches: IngestBatch[];
  /** Items refused, with the reason for the first kind refused. */
  rejected: number;
  reason: string;
}

export interface MapRequest {
  body: Buffer;
  contentEncoding: string | undefined;
  encoding: OtlpEncoding;
  signal: OtlpSignal;
  /** The project header, if any. */
  project: string | undefined;
}

interface Waiting {
  resolve: (mapped: Mapped) => void;
  reject: (error: Error) => void;
}

const stopped = () =>
  new KeystrokeError("unavailable", "The OTLP receiver's mapping thread stopped; retry", {
    hint: "Retry after the number of seconds in Retry-After; OTLP exporters do this on their own",
  });

function rebuilt(error: MappingError): Error {
  if (error.keystroke)
    return new KeystrokeError(error.code, error.message, { hint: error.hint, details: error.details });
  const plain = new Error(error.message);
  plain.name = error.name;
  if (error.stack !== undefined) plain.stack = error.stack;
  return plain;
}

/**
 * The worker's module beside this one: compiled JavaScript, or, when the sources run (tests),
 * TypeScript loaded through tsx, registered inside the worker before the module is imported.
 */
export function startMappingWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./mapping-worker.js", import.meta.url), { workerData });
  const tsxDir = dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
  const tsx = pathToFileURL(join(tsxDir, "dist", "esm", "api", "index.mjs")).href;
  const entry = new URL("./mapping-worker.ts", import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** The longest wait before starting again a thread that never answered. */
const MAX_RESTART_DELAY_MS = 30_000;

export interface MappingThreadOptions {
  maxBodyBytes: number;
  /** The worker's TraceAssembler's options (its defaults unless given). */
  assembler?: TraceAssemblerOptions;
  /** Hears why the thread stopped or could not start. */
  log: (error: Error) => void;
  /** Starts the worker (startMappingWorker unless given). */
  startWorker?: (workerData: unknown) => Worker;
  /**
   * Read before each thread starts: the runs that may be traces filed under a run of their own,
   * waiting for their conversation id. A failure is logged and the thread starts without them.
   */
  waitingRuns?: () => Promise<WaitingRuns>;
}

/**
 * @example
 * const mapper = new MappingThread({ maxBodyBytes, log: (err) => app.log.error({ err }) });
 * const mapped = await mapper.map({ body, contentEncoding, encoding: "protobuf", signal: "traces", project });
 * // append mapped.batches, then:
 * mapper.settle(mapped.id, indexesOfBatchesTheStoreCouldNotWrite);
 */
export class MappingThread {
  #worker: Worker | undefined;
  #closed = false;
  #nextId = 1;
  readonly #waiting = new Map<number, Waiting>();
  /** Threads in a row that stopped before answering anything, and when the next may start. */
  #failedStarts = 0;
  #startAfter = 0;
  /** Reading `waitingRuns` for the next thread to start, and what was read. */
  #reading: Promise<void> | undefined;
  #waitingRuns: WaitingRuns | undefined;

  constructor(private readonly options: MappingThreadOptions) {}

  /** Undoes gzip, decodes and assembles one request body on the mapping thread. */
  map(request: MapRequest): Promise<Mapped> {
    // A copy of just this body's bytes, handed over without another copy (a Buffer may share its
    // memory with other, pooled buffers, which must not move to another thread).
    const body = new Uint8Array(request.body);
    return this.#ask(
      (id) => ({
        type: "map",
        id,
        body,
        contentEncoding: request.contentEncoding,
        encoding: request.encoding,
        signal: request.signal,
        project: request.project,
      }),
      [body.buffer as ArrayBuffer],
    );
  }

  /** Conversations still waiting for their root span, as batches to write now (see TraceAssembler.drain). */
  drain(all: boolean): Promise<Mapped> {
    if (this.#worker === undefined) return Promise.resolve({ id: 0, batches: [], rejected: 0, reason: "" });
    return this.#ask((id) => ({ type: "drain", id, all }), []);
  }

  /** Says how the append of a mapped request went: the batches at `giveBack` were not written. */
  settle(id: number, giveBack: number[]): void {
    if (id === 0) return;
    this.#worker?.postMessage({ type: "settle", id, giveBack } satisfies ToMapper);
  }

  /** Stops the worker for good; what it still held is gone (drain it first). */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) await worker.terminate();
    this.#rejectWaiting();
  }

  #rejectWaiting(): void {
    const error = stopped();
    for (const waiting of this.#waiting.values()) waiting.reject(error);
    this.#waiting.clear();
  }

  #ask(message: (id: number) => ToMapper, transfer: ArrayBuffer[]): Promise<Mapped> {
    if (this.#closed || (this.#worker === undefined && Date.now() < this.#startAfter)) return Promise.reject(stopped());
    const read = this.options.waitingRuns;
    if (this.#worker === undefined && read !== undefined && this.#waitingRuns === undefined) {
      // Requests that come meanwhile wait for the same read, and are sent in the order they came.
      // (Batches the thread before mapped and the store has yet to write are not read: a trace of
      // theirs filed under a run of its own, in the rare case a thread dies, is not moved.)
      this.#reading ??= read().then(
        (runs) => {
          this.#waitingRuns = runs;
        },
        (thrown: unknown) => {
          this.options.log(thrown instanceof Error ? thrown : new Error(String(thrown)));
          this.#waitingRuns = { runIds: [], traces: [], rooted: [] };
        },
      );
      return this.#reading.then(() => this.#ask(message, transfer));
    }
    let worker: Worker;
    try {
      worker = this.#started();
    } catch (thrown) {
      this.#failedToStart();
      this.options.log(thrown instanceof Error ? thrown : new Error(String(thrown)));
      return Promise.reject(stopped());
    }
    const id = this.#nextId++;
    return new Promise<Mapped>((resolve, reject) => {
      // While it has work, the thread keeps the process alive: a drain at close must finish.
      if (this.#waiting.size === 0) worker.ref();
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage(message(id), transfer);
    });
  }

  /** Waits twice as long as last time (from a second) before starting another thread. */
  #failedToStart(): void {
    this.#failedStarts++;
    this.#startAfter = Date.now() + Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** (this.#failedStarts - 1));
  }

  #started(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const waitingRuns = this.#waitingRuns;
    // The next thread reads them again: this one will remember what happens from now on.
    this.#waitingRuns = undefined;
    this.#reading = undefined;
    const worker = (this.options.startWorker ?? startMappingWorker)({
      maxBodyBytes: this.options.maxBodyBytes,
      assembler: waitingRuns?.runIds.length
        ? { ...this.options.assembler, waitingRuns: waitingRuns.runIds }
        : this.options.assembler,
      restore: waitingRuns?.traces ?? [],
      rooted: waitingRuns?.rooted ?? [],
    });
    let answered = false;
    // An idle mapping thread keeps nothing alive.
    worker.unref();
    worker.on("message", (message: FromMapper) => {
      if (!answered) {
        answered = true;
        this.#failedStarts = 0;
      }
      const waiting = this.#waiting.get(message.id);
      if (waiting === undefined) return;
      this.#waiting.delete(message.id);
      if (this.#waiting.size === 0) worker.unref();
      if (message.type === "mapped") {
        const { id, rejected, reason } = message;
        const batches = message.batches.map(
          ({ runId, bodies, heads }): IngestBatch => ({
            runId,
            events: bodies.map((body, i) => parseMappedEvent(body, heads[i] ?? 0)),
            bodies,
          }),
        );
        waiting.resolve({ id, batches, rejected, reason });
      } else {
        waiting.reject(rebuilt(message.error));
      }
    });
    const lost = (cause: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      if (!answered) this.#failedToStart();
      this.options.log(cause);
      this.#rejectWaiting();
    };
    worker.on("error", lost);
    worker.on("messageerror", lost);
    worker.on("exit", (code) => lost(new Error(`The OTLP mapping thread exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }
}
