/**
 * The events of one run, replayed from the store and then followed live, with no gap and no
 * duplicate. It subscribes to the bus before reading the store, so an event committed during
 * the replay is either in the store pages or in the buffered batches; it remembers the last
 * sequence number sent and drops anything at or below it. A live batch that does not follow on
 * from the last event sent (published out of order) sends the feed back to the store to fill in.
 */
import type { StoredEvent } from "@keystroke/core";
import type { RunStore } from "@keystroke/store";
import type { RunEventBus } from "./run-event-bus.js";

/** Events read from the store per page during a replay. */
export const REPLAY_PAGE = 1000;

export interface RunEventFeedOptions {
  store: RunStore;
  bus: RunEventBus;
  runId: string;
  /** Send events with a sequence number greater than this. */
  afterSeq: number;
  /** Delivers events in order; the feed waits for a returned promise before sending more. */
  send: (events: readonly StoredEvent[]) => void | Promise<void>;
  /** Called once if reading the store or sending fails; the feed stops. */
  onError: (error: unknown) => void;
  /** Called once when another run absorbs this one (its events moved there); the feed stops. */
  onMoved?: (intoRunId: string) => void;
}

export interface RunEventFeed {
  /** Stops following: unsubscribes from the bus and sends nothing more. */
  stop(): void;
}

/**
 * Starts feeding a run's events to `send`.
 *
 * @example
 * const feed = followRunEvents({ store, bus, runId, afterSeq: 0, send: write, onError: end });
 * response.on("close", () => feed.stop());
 */
export function followRunEvents(options: RunEventFeedOptions): RunEventFeed {
  const { store, bus, runId, send } = options;
  let lastSent = options.afterSeq;
  let stopped = false;
  let draining = false;
  const pending: (readonly StoredEvent[])[] = [];

  const deliver = async (events: readonly StoredEvent[]) => {
    const fresh = events.filter((event) => event.seq > lastSent);
    const last = fresh.at(-1);
    if (last === undefined || stopped) return;
    lastSent = last.seq;
    await send(fresh);
  };

  const catchUp = async () => {
    for (;;) {
      const page = await store.readEvents(runId, lastSent, REPLAY_PAGE);
      if (stopped) return;
      await deliver(page);
      if (page.length < REPLAY_PAGE) return;
    }
  };

  const drain = async (replayFirst: boolean) => {
    if (draining) return;
    draining = true;
    try {
      if (replayFirst) await catchUp();
      for (let batch = pending.shift(); batch !== undefined && !stopped; batch = pending.shift()) {
        const first = batch.find((event) => event.seq > lastSent);
        if (first === undefined) continue;
        if (first.seq === lastSent + 1) await deliver(batch);
        else await catchUp();
      }
    } catch (error) {
      if (!stopped) {
        stop();
        options.onError(error);
      }
    } finally {
      draining = false;
    }
  };

  const unsubscribe = bus.subscribe(runId, (batch) => {
    if (stopped) return;
    if (batch.movedTo !== undefined) {
      stop();
      options.onMoved?.(batch.movedTo);
      return;
    }
    pending.push(batch.events);
    void drain(false);
  });

  function stop() {
    stopped = true;
    pending.length = 0;
    unsubscribe();
  }

  void drain(true);
  return { stop };
}
