import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageAdded, runCreated, runFinished, serviceEvents, spanRecorded } from "../testing/run-events.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";

interface ErrorReply {
  error: { code: string; message: string; hint?: string; details?: { problems?: { path: string; message: string }[] } };
}

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ bodyLimitBytes: 64 * 1024 });
});
afterEach(async () => {
  await server.close();
});

describe("POST /api/ingest", () => {
  it("stores a batch and the run reads back from History with its conversation and trace", async () => {
    const { runId, event } = runCreated({ slug: "support", sessionId: "ses_1" });
    const ingested = await server.ingest(runId, [
      event,
      messageAdded(0, "Where is my order?"),
      messageAdded(1, "It ships tomorrow."),
      spanRecorded("chat demo/echo"),
      runFinished("success"),
    ]);
    expect(ingested).toEqual({ status: 200, body: { runId, accepted: 5, duplicates: 0, lastSeq: 5 } });

    const list = await server.get<{ runs: { runId: string; status: string; messageCount: number }[] }>("/api/history");
    expect(list.body.runs).toEqual([expect.objectContaining({ runId, status: "success", messageCount: 2 })]);

    const detail = await server.get<{
      run: { runId: string };
      messages: { items: { index: number; role: string; parts: { text: string }[] }[]; nextCursor: null };
      trace: { spans: { items: { name: string }[] }; logs: { items: unknown[] } };
      steps?: unknown;
    }>(`/api/history/${runId}?include=messages,trace`);
    expect(detail.status).toBe(200);
    expect(detail.body.run.runId).toBe(runId);
    expect(detail.body.messages.items.map((m) => [m.index, m.role, m.parts[0]?.text])).toEqual([
      [0, "user", "Where is my order?"],
      [1, "assistant", "It ships tomorrow."],
    ]);
    expect(detail.body.trace.spans.items.map((s) => s.name)).toEqual(["chat demo/echo"]);
    expect(detail.body.trace.logs.items).toEqual([]);
    expect(detail.body).not.toHaveProperty("steps");
  });

  it("takes the run id from the events when the batch does not name it, and numbers later batches on", async () => {
    const { runId, event } = runCreated();
    const first = await server.post("/api/ingest", { events: [{ ...event, runId }] });
    expect(first.body).toMatchObject({ runId, accepted: 1, lastSeq: 1 });
    const second = await server.ingest(runId, serviceEvents(3));
    expect(second.body).toEqual({ runId, accepted: 3, duplicates: 0, lastSeq: 4 });
  });

  it("drops a retried batch: accepted 0, duplicates N, and the run is unchanged", async () => {
    const { runId, event } = runCreated();
    const events = [event, messageAdded(0, "hello"), messageAdded(1, "hi")];
    await server.ingest(runId, events);
    const retry = await server.ingest(runId, events);
    expect(retry).toEqual({ status: 200, body: { runId, accepted: 0, duplicates: 3, lastSeq: 3 } });
    const detail = await server.get<{ run: { messageCount: number; lastSeq: number } }>(`/api/history/${runId}`);
    expect(detail.body.run).toMatchObject({ messageCount: 2, lastSeq: 3 });
  });

  it("answers 400 naming the JSON problem for a malformed body, and keeps serving", async () => {
    const bad = await server.post<ErrorReply>("/api/ingest", '{"runId": "run_x", "events": [');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_input");
    expect(bad.body.error.message).toMatch(/^The body is not valid JSON: .*JSON/);
    expect(bad.body.error.hint).toBeTruthy();

    const health = await server.get("/api/health");
    expect(health.status).toBe(200);
  });

  it("refuses a prototype-poisoning body", async () => {
    const { runId, event } = runCreated();
    const body = `{"runId":"${runId}","events":[${JSON.stringify(event)}],"__proto__":{"admin":true}}`;
    const reply = await server.post<ErrorReply>("/api/ingest", body);
    expect(reply.status).toBe(400);
    expect(reply.body.error.message).toMatch(/__proto__|prototype/);
  });

  describe("refuses a bad batch naming the event index and field, leaving stored data as it was", () => {
    let runId: string;
    beforeEach(async () => {
      const created = runCreated();
      runId = created.runId;
      await server.ingest(runId, [created.event, messageAdded(0, "first")]);
    });

    const expectUntouched = async () => {
      const detail = await server.get<{ run: { lastSeq: number; messageCount: number } }>(`/api/history/${runId}`);
      expect(detail.body.run).toMatchObject({ lastSeq: 2, messageCount: 1 });
    };

    it("a field of the wrong type", async () => {
      const wrong = { ...messageAdded(3, "x"), message: { id: "m", role: "robot", parts: [] } };
      const reply = await server.post<ErrorReply>("/api/ingest", {
        runId,
        events: [messageAdded(1, "ok"), messageAdded(2, "ok"), wrong],
      });
      expect(reply.status).toBe(400);
      expect(reply.body.error.code).toBe("invalid_input");
      expect(reply.body.error.message).toContain("events[2].message.role");
      expect(reply.body.error.details?.problems).toEqual([expect.objectContaining({ path: "events[2].message.role" })]);
      await expectUntouched();
    });

    it("an unknown event type", async () => {
      const unknown = { eventId: "evt_x", type: "run.exploded", time: new Date().toISOString() };
      const reply = await server.post<ErrorReply>("/api/ingest", {
        runId,
        events: [messageAdded(1, "ok"), messageAdded(2, "ok"), unknown],
      });
      expect(reply.status).toBe(400);
      expect(reply.body.error.message).toContain("events[2].type");
      expect(reply.body.error.message).toContain("unknown event type");
      expect(reply.body.error.details?.problems?.[0]?.path).toBe("events[2].type");
      await expectUntouched();
    });

    it("an event of another run", async () => {
      const other = runCreated().runId;
      const reply = await server.ingest<ErrorReply>(runId, [
        messageAdded(1, "ok"),
        messageAdded(2, "ok"),
        { ...messageAdded(3, "elsewhere"), runId: other },
      ]);
      expect(reply.status).toBe(400);
      expect(reply.body.error.message).toContain("events[2].runId");
      expect(reply.body.error.details?.problems).toEqual([
        { path: "events[2].runId", message: expect.stringContaining(other) },
      ]);
      await expectUntouched();
    });

    it("a first batch of a new run without run.created", async () => {
      const fresh = runCreated().runId;
      const reply = await server.ingest<ErrorReply>(fresh, [messageAdded(0, "orphan")]);
      expect(reply.status).toBe(400);
      expect(reply.body.error.message).toContain("run.created");
      expect((await server.get(`/api/history/${fresh}`)).status).toBe(404);
      await expectUntouched();
    });
  });

  it("answers 413 naming the limit for a body over it", async () => {
    const { runId, event } = runCreated();
    const big = messageAdded(0, "x".repeat(100 * 1024));
    const reply = await server.ingest<ErrorReply>(runId, [event, big]);
    expect(reply.status).toBe(413);
    expect(reply.body.error.code).toBe("payload_too_large");
    expect(reply.body.error.message).toContain("64 KiB (65536 bytes)");
    expect((await server.get(`/api/history/${runId}`)).status).toBe(404);
  });

  it("answers 415 for a body that is not JSON", async () => {
    const response = await fetch(`${server.url}/api/ingest`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "events",
    });
    const body = (await response.json()) as ErrorReply;
    expect(response.status).toBe(415);
    expect(body.error.code).toBe("unsupported_media_type");
    expect(body.error.message).toContain("text/plain");
    expect(body.error.hint).toContain("application/json");
  });

  it("publishes the committed events on the bus", async () => {
    const seen: number[] = [];
    const stop = server.server.bus.subscribeAll((batch) => seen.push(...batch.events.map((e) => e.seq)));
    const { runId, event } = runCreated();
    await server.ingest(runId, [event, ...serviceEvents(2)]);
    await server.ingest(runId, [event]);
    stop();
    expect(seen).toEqual([1, 2, 3]);
  });
});
