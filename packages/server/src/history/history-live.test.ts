import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageAdded, runCreated, runFinished } from "../testing/run-events.js";
import { openEventStream, type SseConnection } from "../testing/sse-client.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";
import type { HistoryLiveChange } from "./history-live.js";

describe("GET /api/history/live", () => {
  let server: TestServer;
  let stream: SseConnection | undefined;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    stream?.close();
    await server.close();
  });

  const changes = (s: SseConnection) => s.messages.map((m) => JSON.parse(m.data) as HistoryLiveChange);

  it("sends each changed run with whether it matches the stream's filter", async () => {
    stream = await openEventStream(`${server.url}/api/history/live?status=failed`);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const failed = runCreated();
    await server.ingest(failed.runId, [failed.event, runFinished("failed")]);
    const ok = runCreated();
    await server.ingest(ok.runId, [ok.event, runFinished("success")]);
    await stream.waitFor(2, 5000);
    const byRun = new Map(changes(stream).map((c) => [c.run.runId, c]));
    expect(byRun.get(failed.runId)).toMatchObject({ matches: true, run: { status: "failed" } });
    expect(byRun.get(ok.runId)).toMatchObject({ matches: false, run: { status: "success" } });
  });

  it("tells matching runs from others among many changed at once", async () => {
    stream = await openEventStream(`${server.url}/api/history/live?status=failed&project=acme`);
    const runs = Array.from({ length: 6 }, (_, i) => ({
      ...runCreated({ project: i % 3 === 0 ? "other" : "acme" }),
      i,
    }));
    await Promise.all(
      runs.map((r) => server.ingest(r.runId, [r.event, runFinished(r.i % 2 === 0 ? "failed" : "success")])),
    );
    await stream.waitFor(6, 5000);
    const matching = changes(stream)
      .filter((c) => c.matches)
      .map((c) => c.run.runId);
    expect(matching.sort()).toEqual(
      runs
        .filter((r) => r.i === 2 || r.i === 4)
        .map((r) => r.runId)
        .sort(),
    );
  });

  it("matches a search against the conversation", async () => {
    stream = await openEventStream(`${server.url}/api/history/live?q=refund`);
    const hit = runCreated();
    await server.ingest(hit.runId, [hit.event, messageAdded(0, "Where is my refund?")]);
    await stream.waitFor(1, 5000);
    expect(changes(stream)[0]).toMatchObject({ matches: true, run: { runId: hit.runId, messageCount: 1 } });
  });

  it("coalesces quick changes of one run into one message", async () => {
    stream = await openEventStream(`${server.url}/api/history/live`);
    const run = runCreated();
    await server.ingest(run.runId, [run.event]);
    await server.ingest(run.runId, [messageAdded(0, "hello")]);
    await server.ingest(run.runId, [messageAdded(1, "hi")]);
    await stream.waitFor(1, 5000);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const last = changes(stream).at(-1);
    expect(last?.run.messageCount).toBe(2);
    expect(stream.messages.length).toBeLessThanOrEqual(2);
  });

  it("refuses an invalid filter with 400 naming it", async () => {
    const { status, body } = await server.get<{ error: { message: string } }>("/api/history/live?status=nope");
    expect(status).toBe(400);
    expect(body.error.message).toContain("status");
  });
});
