/**
 * The live event bus: after the store commits a batch, ingest publishes it here and every
 * subscriber of that run (SSE streams) and of all runs (live History lists) receives it, in
 * process and in commit order. It carries nothing the store does not already hold, so a
 * subscriber that misses a message can always catch up from the store by sequence number.
 */
import type { RunSummary, StoredEvent } from "@keystroke/core";

/** One committed batch of a run: its new events, oldest first, and the History row after it. */
export interface PublishedBatch {
  runId: string;
  events: readonly StoredEvent[];
  run: RunSummary;
  /** The run is gone: another run absorbed its events (`run.absorbed`), and `run` is its last History row. */
  movedTo?: string;
  /** Committed by another process and relayed here through the database (pg-event-relay.ts); never relayed on. */
  remote?: true;
  /**
   * A remote batch nobody here followed the run of: its History row only, its events left in the
   * store (a follower that comes later reads them from there by sequence number).
   */
  rowOnly?: true;
}

export type BatchListener = (batch: PublishedBatch) => void;

export interface RunEventBusOptions {
  /** Called when a listener throws; the other listeners and the publisher are not affected. */
  onListenerError?: (error: unknown) => void;
}

/**
 * In-process publish/subscribe of committed run events.
 *
 * @example
 * const bus = new RunEventBus();
 * const unsubscribe = bus.subscribe(runId, (batch) => console.log(batch.events.length));
 * bus.publish({ runId, events, run });
 * unsubscribe();
 */
export class RunEventBus {
  readonly #byRun = new Map<string, Set<BatchListener>>();
  readonly #all = new Set<BatchListener>();
  /** Listeners of every run that read events (not `rowsOnly`). */
  #eventsOfAll = 0;
  readonly #onListenerError: (error: unknown) => void;

  constructor(options: RunEventBusOptions = {}) {
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  /** Listens to the batches of one run; returns the function that stops listening. */
  subscribe(runId: string, listener: BatchListener): () => void {
    let listeners = this.#byRun.get(runId);
    if (listeners === undefined) {
      listeners = new Set();
      this.#byRun.set(runId, listeners);
    }
    // A fresh wrapper per call, so subscribing one function twice is two subscriptions.
    const wrapped: BatchListener = (batch) => listener(batch);
    listeners.add(wrapped);
    return () => {
      listeners.delete(wrapped);
      if (listeners.size === 0 && this.#byRun.get(runId) === listeners) this.#byRun.delete(runId);
    };
  }

  /**
   * Listens to the batches of every run; returns the function that stops listening. A listener
   * `rowsOnly` reads each batch's History row (and `movedTo`), not its events: it does not make
   * the publisher make the events whole (`wantsEvents`).
   */
  subscribeAll(listener: BatchListener, { rowsOnly = false }: { rowsOnly?: boolean } = {}): () => void {
    const wrapped: BatchListener = (batch) => listener(batch);
    this.#all.add(wrapped);
    if (!rowsOnly) this.#eventsOfAll++;
    return () => {
      if (this.#all.delete(wrapped) && !rowsOnly) this.#eventsOfAll--;
    };
  }

  /** Delivers a committed batch to its run's subscribers, then to subscribers of all runs. */
  publish(batch: PublishedBatch): void {
    if (batch.events.length === 0 && batch.movedTo === undefined && !batch.rowOnly) return;
    const listeners = this.#byRun.get(batch.runId);
    if (listeners !== undefined) for (const listener of [...listeners]) this.#deliver(listener, batch);
    for (const listener of [...this.#all]) this.#deliver(listener, batch);
  }

  /** Whether anyone would read the events of a batch of `runId` published now. */
  wantsEvents(runId: string): boolean {
    return this.#eventsOfAll > 0 || this.#byRun.has(runId);
  }

  /** The runs that have listeners of their own. */
  subscribedRuns(): string[] {
    return [...this.#byRun.keys()];
  }

  /** How many listeners are attached to a run (or, without a run id, to all runs). */
  listenerCount(runId?: string): number {
    return runId === undefined ? this.#all.size : (this.#byRun.get(runId)?.size ?? 0);
  }

  #deliver(listener: BatchListener, batch: PublishedBatch): void {
    try {
      listener(batch);
    } catch (error) {
      this.#onListenerError(error);
    }
  }
}
