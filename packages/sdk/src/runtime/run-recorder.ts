/**
 * The recorder of one run: turns what happens into run events and hands them to a sink, in
 * order, without making the agent wait. Events queue in memory and go out as one batch per turn
 * of the event loop (one append for everything a model chunk or tool result produced), with at
 * most one batch in flight per run so the store sees them in the order they happened. `flush()`
 * resolves once everything emitted so far is committed.
 */
import { newEventId, type RunEvent } from "@keystroke/core";

/** Where recorded events go: the server's ingest queue, or `POST /api/ingest` in another process. */
export interface RunEventSink {
  append(batch: { runId: string; events: RunEvent[] }): Promise<unknown>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as the runtime describes it; the recorder adds its id and, unless given, its time. */
export type RecordedEvent = DistributiveOmit<RunEvent, "eventId" | "time" | "runId"> & { time?: string };

export class RunRecorder {
  private pending: RunEvent[] = [];
  private inFlight: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    readonly runId: string,
    private readonly sink: RunEventSink,
  ) {}

  emit(event: RecordedEvent): void {
    this.pending.push({ ...event, eventId: newEventId(), time: event.time ?? new Date().toISOString() } as RunEvent);
    if (!this.inFlight) this.inFlight = this.drain();
  }

  /** Resolves when every event emitted so far is committed; rejects if the sink failed. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.failure !== undefined) throw this.failure;
  }

  private async drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const events = this.pending;
      this.pending = [];
      try {
        await this.sink.append({ runId: this.runId, events });
      } catch (error) {
        this.failure ??= error;
      }
    }
    this.inFlight = undefined;
  }
}
