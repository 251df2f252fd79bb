/**
 * Live events across processes. The RunEventBus is in-process; with several server replicas and
 * workers on one PostgreSQL store, a batch one process commits must reach the subscribers of all
 * the others. The relay sends every batch published on its bus with `pg_notify` on a channel named
 * after the store's schema, and publishes what the other processes send on its bus, marked
 * `remote` so that it is not sent again. A process knows its own notifications by their origin id.
 *
 * A NOTIFY payload stops short of 8000 bytes. A batch whose JSON fits INLINE_LIMIT travels whole;
 * a larger one travels as its run id, sequence range and (when it fits) History row. A receiver
 * where someone follows that run reads those events from the store, where they are committed
 * before they are published; one where nobody does publishes the History row alone (live History
 * lists and waiters on the run's end need no more), so replicas do not read back every large
 * batch the others commit. The remote batches of a run are published one at a time, in the order
 * they arrived, so a small batch never overtakes a large one still being read.
 *
 * The store, not the channel, is the record. Notifications sent while the listening connection is
 * down are lost to this process: once it is listening again, the relay reads from the store the
 * events each run with subscribers missed (those after the last one its bus carried) and publishes
 * them. The feeds (run-event-feed.ts) drop what they already sent and fill any other gap from the
 * store by sequence number, so they miss nothing and repeat nothing. Left behind: listeners of all
 * runs (the live History list) do not hear of runs they do not follow that changed meanwhile, and
 * the followers of a run absorbed meanwhile do not hear where it went, until they reconnect.
 */
import { createHash, randomBytes } from "node:crypto";
import type { RunDetail, RunSummary, StoredEvent } from "@keystroke/core";
import type { PostgresRunStore } from "@keystroke/store";
import pg from "pg";
import type { PublishedBatch, RunEventBus } from "./run-event-bus.js";

/** The largest notification, in bytes, that carries its batch whole (NOTIFY refuses 8000 and more). */
export const INLINE_LIMIT = 7000;
/** Runs whose last relayed sequence number is remembered, for reading what they missed after an outage. */
export const REMEMBERED_RUNS = 10_000;
const READ_PAGE = 1000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 15_000;
const CHANNEL_PREFIX = "keystroke_events_";

/** What one notification says: a batch whole, or where in the store to read it. */
type RelayMessage =
  | { origin: string; batch: PublishedBatch }
  | { origin: string; runId: string; fromSeq: number; toSeq: number; run?: RunSummary };

export interface PgEventRelayOptions {
  /** The bus this process publishes committed batches on, and where the other processes' arrive. */
  bus: RunEventBus;
  /** The store every process appends to: notifications go through its pool, large batches are read from it. */
  store: PostgresRunStore;
  /** The store's database; the relay listens on a connection of its own, outside the pool. */
  connectionString: string;
  /** Told of what the relay survives: a lost connection, a failed notification or read. */
  onError: (error: unknown) => void;
}

export interface PgEventRelay {
  /** Stops relaying, waits for what is in flight, then unlistens and closes the connection. */
  close(): Promise<void>;
}

/** The NOTIFY channel of a schema's store: named after the schema when that fits 63 bytes, else after its digest. */
export function eventChannel(schema: string): string {
  const named = CHANNEL_PREFIX + schema;
  if (named.length <= 63) return named;
  return CHANNEL_PREFIX + createHash("sha256").update(schema).digest("hex").slice(0, 40);
}

/** A notification for a batch, within INLINE_LIMIT; undefined when even the slimmest form is larger. */
export function relayMessage(origin: string, batch: PublishedBatch): string | undefined {
  const whole = JSON.stringify({ origin, batch } satisfies RelayMessage);
  if (Buffer.byteLength(whole) <= INLINE_LIMIT) return whole;
  const first = batch.events[0];
  const last = batch.events.at(-1);
  if (batch.movedTo === undefined && first !== undefined && last !== undefined) {
    const range = { origin, runId: batch.runId, fromSeq: first.seq, toSeq: last.seq };
    // The History row rides along when it fits; else the receiver reads it from the store.
    const withRun = JSON.stringify({ ...range, run: batch.run } satisfies RelayMessage);
    return Buffer.byteLength(withRun) <= INLINE_LIMIT ? withRun : JSON.stringify(range satisfies RelayMessage);
  }
  // An absorbed run is gone from the store: its last row travels without the raw trigger value.
  const slim: PublishedBatch = { ...batch, events: [], run: { ...batch.run, triggerValue: null } };
  const text = JSON.stringify({ origin, batch: slim } satisfies RelayMessage);
  return Buffer.byteLength(text) <= INLINE_LIMIT ? text : undefined;
}

function parseMessage(payload: string | undefined): RelayMessage | undefined {
  try {
    const message = JSON.parse(payload ?? "") as Partial<Record<keyof RelayMessage, unknown>> | null;
    return typeof message?.origin === "string" ? (message as RelayMessage) : undefined;
  } catch {
    return undefined;
  }
}

function summaryOf(detail: RunDetail): RunSummary {
  const { input, output, error, childRunIds, wait, ...summary } = detail;
  return summary;
}

/**
 * Relays the batches of `bus` to and from every other process on the same PostgreSQL store.
 * Resolves once listening; rejects when the first connection fails. Later drops reconnect.
 *
 * @example
 * const relay = await startPgEventRelay({ bus, store, connectionString, onError: (e) => log.warn(e) });
 * await relay.close(); // before store.close()
 */
export async function startPgEventRelay(options: PgEventRelayOptions): Promise<PgEventRelay> {
  const { bus, store, connectionString, onError } = options;
  const channel = eventChannel(store.schema);
  const origin = randomBytes(8).toString("hex");
  const lastSeq = new Map<string, number>();
  const queues = new Map<string, Promise<void>>();
  let outbox: string[] = [];
  let sending: Promise<void> | undefined;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let reconnecting: Promise<void> | undefined;
  let delay = RECONNECT_MIN_MS;
  let closed = false;

  const remember = (batch: PublishedBatch) => {
    const seq = batch.events.at(-1)?.seq;
    const known = lastSeq.get(batch.runId);
    if (batch.movedTo !== undefined) lastSeq.delete(batch.runId);
    if (seq === undefined || (known !== undefined && known >= seq)) return;
    lastSeq.delete(batch.runId);
    lastSeq.set(batch.runId, seq);
    if (lastSeq.size > REMEMBERED_RUNS) lastSeq.delete(lastSeq.keys().next().value as string);
  };

  // One statement at a time, so notifications leave in the order their batches were published.
  const flush = async () => {
    while (outbox.length > 0) {
      const payloads = outbox;
      outbox = [];
      await store.pool
        .query("SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload", [channel, payloads])
        .catch(onError);
    }
    sending = undefined;
  };

  const unsubscribe = bus.subscribeAll((batch) => {
    remember(batch);
    if (batch.remote || closed) return;
    const payload = relayMessage(origin, batch);
    if (payload === undefined) {
      onError(new Error(`The batch of run ${batch.runId} is too large to relay, even without its trigger value`));
      return;
    }
    outbox.push(payload);
    sending ??= flush();
  });

  /** Events of a run after `afterSeq` (up to `toSeq`) and its History row, read from the store. */
  const read = async (runId: string, afterSeq: number, toSeq = Number.POSITIVE_INFINITY) => {
    const events: StoredEvent[] = [];
    for (let after = afterSeq; after < toSeq; ) {
      const page = await store.readEvents(runId, after, READ_PAGE);
      events.push(...page.filter((event) => event.seq <= toSeq));
      const last = page.at(-1);
      if (last === undefined || page.length < READ_PAGE) break;
      after = last.seq;
    }
    if (events.length === 0) return undefined;
    const view = await store.getRun(runId);
    return view && { runId, events, run: summaryOf(view.run) };
  };

  const publish = (batch: PublishedBatch) => {
    const after = lastSeq.get(batch.runId) ?? 0;
    const events = batch.movedTo === undefined ? batch.events.filter((event) => event.seq > after) : batch.events;
    bus.publish({ ...batch, events, remote: true });
  };

  const enqueue = (runId: string, next: () => Promise<PublishedBatch | undefined>) => {
    const queued = (queues.get(runId) ?? Promise.resolve())
      .then(next)
      .then((batch) => {
        if (batch !== undefined && !closed) publish(batch);
      })
      .catch(onError)
      .finally(() => {
        if (queues.get(runId) === queued) queues.delete(runId);
      });
    queues.set(runId, queued);
  };

  const receive = (notification: pg.Notification) => {
    const message = parseMessage(notification.payload);
    if (message === undefined) onError(new Error(`Not a relayed batch: ${notification.payload?.slice(0, 200)}`));
    else if (message.origin === origin || closed) return;
    else if ("batch" in message) enqueue(message.batch.runId, async () => message.batch);
    else {
      const { runId, fromSeq, toSeq, run } = message;
      // Decided when the batch's turn comes: a follower who arrived meanwhile gets the events.
      enqueue(runId, async () =>
        run !== undefined && bus.listenerCount(runId) === 0
          ? { runId, events: [], run, rowOnly: true }
          : read(runId, fromSeq - 1, toSeq),
      );
    }
  };

  /** What the runs this process follows missed while it was not listening. */
  const catchUp = () => {
    for (const runId of bus.subscribedRuns()) {
      enqueue(runId, async () => {
        const known = lastSeq.get(runId);
        if (known !== undefined) return read(runId, known);
        const view = await store.getRun(runId);
        return view && read(runId, view.run.lastSeq - 1);
      });
    }
  };

  const lost = (from: pg.Client, error: unknown) => {
    if (closed || client !== from) return;
    client = undefined;
    from.removeAllListeners("notification");
    void from.end().catch(() => undefined);
    onError(error);
    reconnectLater();
  };

  const listen = async () => {
    const next = new pg.Client({ connectionString, application_name: "keystroke-events", keepAlive: true });
    next.on("error", () => undefined);
    next.on("notification", receive);
    try {
      await next.connect();
      await next.query(`LISTEN "${channel}"`);
    } catch (error) {
      await next.end().catch(() => undefined);
      throw error;
    }
    next.on("error", (error) => lost(next, error));
    next.on("end", () => lost(next, new Error("The connection listening for live events ended")));
    return next;
  };

  const reconnect = async () => {
    try {
      const next = await listen();
      if (closed) {
        await next.end().catch(() => undefined);
        return;
      }
      client = next;
      delay = RECONNECT_MIN_MS;
      catchUp();
    } catch (error) {
      onError(error);
      delay = Math.min(delay * 2, RECONNECT_MAX_MS);
      reconnectLater();
    }
  };

  function reconnectLater() {
    if (closed) return;
    const wait = delay * (0.5 + Math.random() / 2);
    retry = setTimeout(() => {
      retry = undefined;
      reconnecting = reconnect().finally(() => {
        reconnecting = undefined;
      });
    }, wait);
  }

  try {
    client = await listen();
  } catch (error) {
    unsubscribe();
    throw error;
  }

  return {
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearTimeout(retry);
      await reconnecting;
      await sending;
      await Promise.all(queues.values());
      const last = client;
      client = undefined;
      if (last === undefined) return;
      await last.query(`UNLISTEN "${channel}"`).catch(() => undefined);
      await last.end().catch(() => undefined);
    },
  };
}
