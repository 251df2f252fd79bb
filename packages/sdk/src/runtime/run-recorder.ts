/**
 * The recorder of one run: turns what happens into run events and hands them to a sink, in
 * order, without making the agent wait. Events queue in memory for a few milliseconds and go out
 * as one batch — one store transaction for everything a model chunk or a burst of tool calls
 * produced, which matters because a commit costs more than the events in it — with at most one
 * batch in flight per run, so the store sees them in the order they happened. A person watching
 * sees events within that window; `flush()` sends at once and resolves when all is committed.
 */
import type { RunEvent } from "@keystroke/core";
import { newEventId } from "@keystroke/core/ids";

/** Where recorded events go: the server's ingest queue, or `POST /api/ingest` in another process. */
export interface RunEventSink {
  append(batch: { runId: string; events: RunEvent[] }): Promise<unknown>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event as the runtime describes it; the recorder adds its id and, unless given, its time. */
export type RecordedEvent = DistributiveOmit<RunEvent, "eventId" | "time" | "runId"> & { time?: string };

/** How long an event may wait for others to share its transaction. */
const BATCH_WINDOW_MS = 5;

export class RunRecorder {
  private pending: RunEvent[] = [];
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(
    readonly runId: string,
    private readonly sink: RunEventSink,
  ) {}

  emit(event: RecordedEvent): void {
    this.pending.push({ ...event, eventId: newEventId(), time: event.time ?? new Date().toISOString() } as RunEvent);
    if (!this.inFlight && !this.timer) this.timer = setTimeout(() => this.send(), BATCH_WINDOW_MS);
  }

  /** Sends what is pending now; resolves when every event emitted so far is committed, rejects if the sink failed. */
  async flush(): Promise<void> {
    this.send();
    while (this.inFlight) await this.inFlight;
    if (this.failure !== undefined) throw this.failure;
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.inFlight && this.pending.length > 0) this.inFlight = this.drain();
  }

  private async drain(): Promise<void> {
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
