/**
 * Spans and log records held in memory for a while, by trace, with a bound on how many are held
 * in all: past it the oldest traces are let go — the one just added too, when it alone is over
 * the bound — and returned, so the caller decides what letting go means; `stale` lets go of those
 * not added to for a given time.
 */
import type { OtlpLogRecord } from "../otlp-model.js";
import type { RoledSpan } from "./run-batch.js";

export interface HeldTrace<M> {
  traceId: string;
  spans: RoledSpan[];
  logs: OtlpLogRecord[];
  /** What the holder needs to know about the trace when it lets it go. */
  meta: M;
  lastAdded: number;
}

/**
 * @example
 * const held = new HeldTraces<RunRef>(10_000);
 * const dropped = held.add(key, trace.traceId, spans, [], run, Date.now());
 */
export class HeldTraces<M> {
  private readonly traces = new Map<string, HeldTrace<M>>();
  private count = 0;

  constructor(private readonly max: number) {}

  /** Adds to a trace's hold; returns the traces let go to stay within the bound. */
  add(key: string, traceId: string, spans: RoledSpan[], logs: OtlpLogRecord[], meta: M, now: number): HeldTrace<M>[] {
    const held = this.traces.get(key) ?? { traceId, spans: [], logs: [], meta, lastAdded: now };
    // Re-inserted so that the map's order is the order of last additions.
    this.traces.delete(key);
    held.spans.push(...spans);
    held.logs.push(...logs);
    held.lastAdded = now;
    this.traces.set(key, held);
    this.count += spans.length + logs.length;
    const dropped: HeldTrace<M>[] = [];
    while (this.count > this.max && this.traces.size > 0) {
      const oldest = this.traces.keys().next().value as string;
      dropped.push(this.take(oldest) as HeldTrace<M>);
    }
    return dropped;
  }

  /** Changes what is known of a held trace (the run it will be written to). */
  retag(key: string, meta: M): void {
    const held = this.traces.get(key);
    if (held !== undefined) held.meta = meta;
  }

  /** Whether log records of the trace are held. */
  holdsLogs(key: string): boolean {
    return (this.traces.get(key)?.logs.length ?? 0) > 0;
  }

  /** Lets go of `logs` (the same records) from a trace's hold, as if they had not been added. */
  forget(key: string, logs: readonly OtlpLogRecord[]): void {
    const held = this.traces.get(key);
    if (held === undefined) return;
    const gone = new Set(logs);
    const kept = held.logs.filter((log) => !gone.has(log));
    this.count -= held.logs.length - kept.length;
    held.logs = kept;
    if (held.spans.length === 0 && kept.length === 0) this.traces.delete(key);
  }

  take(key: string): HeldTrace<M> | undefined {
    const held = this.traces.get(key);
    if (held === undefined) return undefined;
    this.traces.delete(key);
    this.count -= held.spans.length + held.logs.length;
    return held;
  }

  /** Lets go of the traces not added to since `before`. */
  stale(before: number): HeldTrace<M>[] {
    const out: HeldTrace<M>[] = [];
    for (const [key, held] of this.traces) {
      if (held.lastAdded >= before) break;
      out.push(held);
      this.take(key);
    }
    return out;
  }
}
