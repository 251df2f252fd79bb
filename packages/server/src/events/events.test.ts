import type { StoredEvent } from "@keystroke/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageAdded, runCreated, serviceEvents } from "../testing/run-events.js";
import { openEventStream, type SseMessage } from "../testing/sse-client.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const seqs = (messages: SseMessage[]) => messages.map((m) => Number(m.id));

async function newRun(extra = 0): Promise<string> {
  const { runId, event } = runCreated();
  const reply = await server.ingest(runId, [event, ...serviceEvents(extra)]);
  expect(reply.status).toBe(200);
  return runId;
}

describe("GET /api/runs/:runId/events", () => {
  it("replays the events after ?after=, then delivers events ingested later, in order", async () => {
    const runId = await newRun(4);
    const stream = await openEventStream(`${server.url}/api/runs/${runId}/events?after=2`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const replayed = await stream.waitFor(3);
    expect(seqs(replayed)).toEqual([3, 4, 5]);
    const data = JSON.parse(replayed[0]?.data ?? "{}") as StoredEvent;
    expect(data).toMatchObject({ runId, seq: 3, type: "service.used" });
    expect(replayed[0]?.event).toBe("service.used");

    await server.ingest(runId, [messageAdded(0, "live one")]);
    await server.ingest(runId, [messageAdded(1, "live two"), messageAdded(2, "live three")]);
    const all = await stream.waitFor(6);
    expect(seqs(all)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(all[3]?.event).toBe("message.added");
    expect(
      (JSON.parse(all[5]?.data ?? "{}") as { message: { parts: { text: string }[] } }).message.parts[0]?.text,
    ).toBe("live three");
    stream.close();
  });

  it("resumes after Last-Event-ID, which wins over ?after=", async () => {
    const runId = await newRun(5);
    const stream = await openEventStream(`${server.url}/api/runs/${runId}/events?after=1`, { "last-event-id": "4" });
    expect(seqs(await stream.waitFor(2))).toEqual([5, 6]);
    stream.close();
  });

  it("has no gap and no duplicate when events commit while a long replay is under way", async () => {
    const runId = await newRun(0);
    for (let i = 0; i < 5; i++) await server.ingest(runId, serviceEvents(500));
    const stream = await openEventStream(`${server.url}/api/runs/${runId}/events`);
    const writes = Array.from({ length: 10 }, () => server.ingest(runId, serviceEvents(20)));
    await Promise.all(writes);
    const total = 1 + 5 * 500 + 10 * 20;
    const messages = await stream.waitFor(total, 15_000);
    expect(seqs(messages)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stream.messages).toHaveLength(total);
    stream.close();
  });

  it("stops following the run when the client disconnects", async () => {
    const runId = await newRun(0);
    const stream = await openEventStream(`${server.url}/api/runs/${runId}/events`);
    await stream.waitFor(1);
    expect(server.server.bus.listenerCount(runId)).toBe(1);
    stream.close();
    await expect.poll(() => server.server.bus.listenerCount(runId)).toBe(0);
  });

  it("ends open streams when the server closes", async () => {
    const runId = await newRun(0);
    const stream = await openEventStream(`${server.url}/api/runs/${runId}/events`);
    await stream.waitFor(1);
    const closed = await Promise.race([
      server.server.close().then(() => "closed"),
      new Promise((resolve) => setTimeout(() => resolve("hung"), 3000)),
    ]);
    expect(closed).toBe("closed");
  });

  it("answers 404 in JSON for a run it does not hold, and 400 for a bad ?after=", async () => {
    const missing = runCreated().runId;
    const notFound = await server.get<{ error: { code: string; hint: string } }>(`/api/runs/${missing}/events`);
    expect(notFound.status).toBe(404);
    expect(notFound.body.error).toMatchObject({ code: "not_found", hint: "List runs with `keystroke history list`" });

    const runId = await newRun(0);
    const bad = await server.get<{ error: { message: string } }>(`/api/runs/${runId}/events?after=-1`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("after");
  });
});
