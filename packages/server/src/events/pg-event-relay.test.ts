import { parseIngestBatch, type RunEventInput, type StoredEvent } from "@keystroke/core";
import { newEventId } from "@keystroke/core/ids";
import { openPostgresStore, type PostgresRunStore } from "@keystroke/store";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "@keystroke/store/testing";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IngestQueue } from "../ingest/ingest-queue.js";
import { iso, messageAdded, runCreated } from "../testing/run-events.js";
import { eventChannel, INLINE_LIMIT, type PgEventRelay, relayMessage, startPgEventRelay } from "./pg-event-relay.js";
import { type PublishedBatch, RunEventBus } from "./run-event-bus.js";
import { followRunEvents } from "./run-event-feed.js";

/** One server process: its store (opened on the shared schema), bus, ingest and relay. */
interface Replica {
  store: PostgresRunStore;
  bus: RunEventBus;
  ingest: IngestQueue;
  relay: PgEventRelay;
  errors: unknown[];
  /** The backend of the relay's listening connection. */
  listenerPid: number;
}

const waitFor = <T>(check: () => T) => vi.waitFor(check, { timeout: 10_000, interval: 20 });

let schema: string;
let spy: pg.Client;
let a: Replica;
let b: Replica;

async function listeningPids(): Promise<number[]> {
  const { rows } = await spy.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE application_name = 'keystroke-events' AND query = $1",
    [`LISTEN "${eventChannel(schema)}"`],
  );
  return rows.map((row) => row.pid);
}

/** Opens a replica, as `createServer` would wire one, and finds its listening backend. */
async function startReplica(): Promise<Replica> {
  const before = await listeningPids();
  const store = await openPostgresStore({ connectionString: testDatabaseUrl, schema });
  const bus = new RunEventBus();
  const ingest = new IngestQueue(store, (result) => {
    for (const gone of result.absorbed ?? []) {
      bus.publish({ runId: gone.runId, events: [], run: gone, movedTo: result.runId });
    }
    bus.publish({ runId: result.runId, events: result.events, run: result.run });
  });
  const errors: unknown[] = [];
  const relay = await startPgEventRelay({
    bus,
    store,
    connectionString: testDatabaseUrl,
    onError: (error) => errors.push(error),
  });
  const listenerPid = (await listeningPids()).find((pid) => !before.includes(pid));
  if (listenerPid === undefined) throw new Error("the relay is not listening");
  return { store, bus, ingest, relay, errors, listenerPid };
}

function submit(replica: Replica, runId: string, events: RunEventInput[]) {
  return replica.ingest.submit(parseIngestBatch({ runId, events }));
}

function collect(bus: RunEventBus, runId: string): PublishedBatch[] {
  const batches: PublishedBatch[] = [];
  bus.subscribe(runId, (batch) => batches.push(batch));
  return batches;
}

const seqs = (batches: readonly PublishedBatch[]) => batches.flatMap((batch) => batch.events.map((e) => e.seq));

describe("startPgEventRelay", () => {
  beforeEach(async () => {
    await requireTestDatabase();
    schema = testSchemaName();
    spy = new pg.Client({ connectionString: testDatabaseUrl });
    await spy.connect();
    a = await startReplica();
    b = await startReplica();
  });

  afterEach(async () => {
    for (const replica of [a, b]) {
      await replica?.relay.close();
      await replica?.store.close();
    }
    await spy.end();
    await dropTestSchema(schema);
  });

  it("brings a batch committed by one process to the subscribers of another, events and History row", async () => {
    const { runId, event } = runCreated();
    const onA = collect(a.bus, runId);
    const everyRunOnA: string[] = [];
    a.bus.subscribeAll((batch) => everyRunOnA.push(batch.runId));

    const result = await submit(b, runId, [event, messageAdded(0, "Where is my order?")]);

    await waitFor(() => expect(onA).toHaveLength(1));
    expect(onA[0]).toEqual({ runId, events: result.events, run: result.run, remote: true });
    expect(everyRunOnA).toEqual([runId]);
    expect(a.errors).toEqual([]);
  });

  it("sends a batch too large for a notification by reference: it arrives whole, before the next batch", async () => {
    const { runId, event } = runCreated();
    const onA = collect(a.bus, runId);
    const payloads: string[] = [];
    await spy.query(`LISTEN "${eventChannel(schema)}"`);
    spy.on("notification", (n) => payloads.push(n.payload ?? ""));

    // A reads slowly, so the next batch arrives while the large one is still being read.
    const readEvents = a.store.readEvents.bind(a.store);
    vi.spyOn(a.store, "readEvents").mockImplementation(async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return readEvents(...args);
    });

    const first = await submit(b, runId, [event]);
    const long = Array.from({ length: 300 }, (_, i) => messageAdded(i, `${i} `.padEnd(400, "lorem ipsum ")));
    const large = await submit(b, runId, long);
    const small = await submit(b, runId, [messageAdded(300, "Thanks!")]);
    expect(large.events).toHaveLength(300);

    await waitFor(() => expect(seqs(onA)).toHaveLength(302));
    expect(onA.map((batch) => batch.events.length)).toEqual([1, 300, 1]);
    expect(seqs(onA)).toEqual(Array.from({ length: 302 }, (_, i) => i + 1));
    expect(onA[0]?.events).toEqual(first.events);
    expect(onA[1]?.events).toEqual(large.events);
    expect(onA[1]?.run.runId).toBe(runId);
    expect(onA[1]?.run.lastSeq).toBeGreaterThanOrEqual(301);
    expect(onA[2]?.run).toEqual(small.run);

    const sizes = payloads.map((payload) => Buffer.byteLength(payload));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(INLINE_LIMIT);
    const reference = payloads.map((payload) => JSON.parse(payload)).find((message) => !("batch" in message));
    expect(reference).toMatchObject({ runId, fromSeq: 2, toSeq: 301 });
  });

  it("brings only the History row of a large batch nobody here follows, and the events once someone does", async () => {
    const { runId, event } = runCreated();
    const everyRunOnA: PublishedBatch[] = [];
    a.bus.subscribeAll((batch) => everyRunOnA.push(batch));
    const reads = vi.spyOn(a.store, "readEvents");
    const long = (from: number) =>
      Array.from({ length: 100 }, (_, i) => messageAdded(from + i, `${from + i} `.padEnd(400, "lorem ipsum ")));

    await submit(b, runId, [event]);
    const unfollowed = await submit(b, runId, long(0));
    await waitFor(() => expect(everyRunOnA).toHaveLength(2));
    expect(everyRunOnA[1]).toEqual({ runId, events: [], run: unfollowed.run, remote: true, rowOnly: true });
    expect(reads).not.toHaveBeenCalled();

    // Followed now: the next large batch arrives with its events, read from the store.
    const onA = collect(a.bus, runId);
    const followed = await submit(b, runId, long(100));
    await waitFor(() => expect(onA).toHaveLength(1));
    expect(onA[0]?.events).toEqual(followed.events);
    expect(reads).toHaveBeenCalled();
    expect(a.errors).toEqual([]);
  });

  it("does not bring a process its own batches back", async () => {
    const mine = runCreated();
    const theirs = runCreated();
    const onB = collect(b.bus, mine.runId);
    const theirsOnB = collect(b.bus, theirs.runId);
    const onA = collect(a.bus, mine.runId);

    const readsOnB = vi.spyOn(b.store, "readEvents");

    await submit(b, mine.runId, [mine.event]);
    await submit(
      b,
      mine.runId,
      Array.from({ length: 100 }, (_, i) => messageAdded(i, "x".repeat(200))),
    );
    await waitFor(() => expect(seqs(onA)).toHaveLength(101));
    // A's notification follows B's on the channel: once B hears it, it has heard its own.
    await submit(a, theirs.runId, [theirs.event]);
    await waitFor(() => expect(theirsOnB).toHaveLength(1));

    expect(onB).toHaveLength(2);
    expect(readsOnB).not.toHaveBeenCalled();
    expect(onB[0]?.remote).toBeUndefined();
    expect(theirsOnB[0]?.remote).toBe(true);
  });

  it("tells the followers of an absorbed run on other processes where it went, even with a large trigger value", async () => {
    const at = Date.now();
    const provisional = runCreated({ at });
    const trigger = { label: "Webhook", value: { body: "x".repeat(20_000) } };
    const into = runCreated({ at: at + 1 });
    const provisionalOnA = collect(a.bus, provisional.runId);
    const intoOnA = collect(a.bus, into.runId);
    await submit(b, provisional.runId, [{ ...provisional.event, trigger } as RunEventInput, messageAdded(0, "Hi")]);
    await submit(b, into.runId, [into.event]);
    // Its row is too large to travel: A reads the batch from the store, while the run is still there.
    await waitFor(() => expect(seqs(provisionalOnA)).toEqual([1, 2]));
    expect(provisionalOnA[0]?.run.triggerValue).toEqual(trigger.value);
    await waitFor(() => expect(seqs(intoOnA)).toEqual([1]));

    const absorb: RunEventInput = {
      eventId: newEventId(),
      type: "run.absorbed",
      time: iso(at + 10),
      fromRunId: provisional.runId,
    };
    const result = await submit(b, into.runId, [absorb]);

    await waitFor(() => expect(provisionalOnA).toHaveLength(2));
    expect(provisionalOnA[1]).toMatchObject({ runId: provisional.runId, events: [], movedTo: into.runId });
    expect(provisionalOnA[1]?.run).toMatchObject({ runId: provisional.runId, triggerValue: null });
    await waitFor(() => expect(seqs(intoOnA)).toEqual([1, ...result.events.map((e) => e.seq)]));
    expect(a.errors).toEqual([]);
  });

  it("reconnects after its connection is killed, and its followers get what was committed meanwhile", async () => {
    const before = runCreated();
    const created = await submit(b, before.runId, [before.event]);
    const sent: number[] = [];
    const feed = followRunEvents({
      store: a.store,
      bus: a.bus,
      runId: before.runId,
      afterSeq: 0,
      send: (events: readonly StoredEvent[]) => {
        sent.push(...events.map((e) => e.seq));
      },
      onError: (error) => a.errors.push(error),
    });
    await waitFor(() => expect(sent).toEqual([1]));

    await spy.query("SELECT pg_terminate_backend($1)", [a.listenerPid]);
    await waitFor(() => expect(a.errors).toHaveLength(1));
    expect(a.errors[0]).toMatchObject({ code: "57P01" });

    // While A is not listening: a batch of the followed run, and a new run A starts to follow.
    const missed = await submit(b, before.runId, [messageAdded(0, "Sent while A was away")]);
    const during = runCreated();
    await submit(b, during.runId, [during.event]);
    const duringOnA: number[] = [];
    const duringFeed = followRunEvents({
      store: a.store,
      bus: a.bus,
      runId: during.runId,
      afterSeq: 0,
      send: (events: readonly StoredEvent[]) => {
        duringOnA.push(...events.map((e) => e.seq));
      },
      onError: (error) => a.errors.push(error),
    });
    await waitFor(() => expect(duringOnA).toEqual([1]));
    await submit(b, during.runId, [messageAdded(0, "Also sent while A was away")]);
    expect((await listeningPids()).filter((pid) => pid !== b.listenerPid)).toEqual([]);

    await waitFor(async () => expect((await listeningPids()).filter((pid) => pid !== b.listenerPid)).toHaveLength(1));
    await waitFor(() => expect(sent).toEqual([created.events[0]?.seq, missed.events[0]?.seq]));
    await waitFor(() => expect(duringOnA).toEqual([1, 2]));

    const later = await submit(b, before.runId, [messageAdded(1, "After A came back")]);
    await waitFor(() => expect(sent).toEqual([1, 2, later.events[0]?.seq]));
    expect(later.events[0]?.seq).toBe(3);
    expect(a.errors).toHaveLength(1);
    feed.stop();
    duringFeed.stop();
  });

  it("refuses to start when it cannot listen, and leaves the bus as it was", async () => {
    const bus = new RunEventBus();
    const unreachable = "postgres://postgres@127.0.0.1:1/test";
    await expect(
      startPgEventRelay({ bus, store: a.store, connectionString: unreachable, onError: () => {} }),
    ).rejects.toMatchObject({
      code: "ECONNREFUSED",
    });
    expect(bus.listenerCount()).toBe(0);
  });
});

describe("relayMessage", () => {
  const event = { runId: "run_1", seq: 1, eventId: "evt_1", type: "run.started", time: "2026-11-28T10:00:00Z" };
  const batch = { runId: "run_1", events: [event as StoredEvent], run: { runId: "run_1", triggerValue: "x" } };

  it("carries a small batch whole, a large one as its range with its History row when that fits, and a large absorbed run without its trigger value", () => {
    const small = batch as unknown as PublishedBatch;
    expect(JSON.parse(relayMessage("o", small) ?? "")).toEqual({ origin: "o", batch: small });

    const events = Array.from({ length: 100 }, (_, i) => ({ ...event, seq: i + 5, eventId: "e".repeat(80) }));
    const large = { ...batch, events } as unknown as PublishedBatch;
    const range = { origin: "o", runId: "run_1", fromSeq: 5, toSeq: 104 };
    expect(JSON.parse(relayMessage("o", large) ?? "")).toEqual({ ...range, run: batch.run });
    const largeRow = { ...large, run: { ...batch.run, triggerValue: "x".repeat(9000) } } as unknown as PublishedBatch;
    expect(JSON.parse(relayMessage("o", largeRow) ?? "")).toEqual(range);

    const moved = { ...batch, events: [], run: { runId: "run_1", triggerValue: "x".repeat(9000) }, movedTo: "run_2" };
    const message = JSON.parse(relayMessage("o", moved as unknown as PublishedBatch) ?? "");
    expect(message.batch).toEqual({ ...moved, run: { runId: "run_1", triggerValue: null } });
  });

  it("names the channel after the schema, within PostgreSQL's 63 bytes", () => {
    expect(eventChannel("ks_test_ab12")).toBe("keystroke_events_ks_test_ab12");
    const long = eventChannel("s".repeat(63));
    expect(long).toMatch(/^keystroke_events_[0-9a-f]{40}$/);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(eventChannel("t".repeat(63))).not.toBe(long);
  });
});
