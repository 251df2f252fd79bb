import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KeystrokeError, type RunEventInput, type StoredEvent } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";
import { type RunningServer, startServer } from "@keystroke/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../../../../tests/support/closed-port.js";
import { KeystrokeClient } from "./keystroke-client.js";

const time = (ms: number) => new Date(ms).toISOString();

function created(slug: string, sessionId: string, at: number, kind: "agent" | "workflow" = "agent"): RunEventInput {
  return {
    eventId: newEventId(),
    type: "run.created",
    time: time(at),
    kind,
    slug,
    name: slug,
    project: "acme",
    sessionId: kind === "agent" ? sessionId : undefined,
    source: "api",
    trigger: { label: "API prompt" },
    actor: { type: "api_key", id: "key_test" },
    status: "running",
  };
}

function message(i: number, at: number): RunEventInput {
  return {
    eventId: newEventId(),
    type: "message.added",
    time: time(at),
    message: { id: `m${i}`, role: i % 2 === 0 ? "user" : "assistant", parts: [{ type: "text", text: `turn ${i}` }] },
  };
}

function finished(status: "success" | "failed", at: number): RunEventInput {
  return {
    eventId: newEventId(),
    type: "run.finished",
    time: time(at),
    status,
    error: status === "failed" ? { message: "the tool failed" } : undefined,
  };
}

async function rejection(promise: Promise<unknown>): Promise<KeystrokeError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(KeystrokeError);
  return error as KeystrokeError;
}

describe("KeystrokeClient", () => {
  let dir: string;
  let server: RunningServer;
  let client: KeystrokeClient;
  const now = Date.now();
  const ok = { runId: newRunId(now - 60_000), sessionId: "ses_ok" };
  const failed = { runId: newRunId(now - 30_000), sessionId: "ses_failed" };
  const workflow = newRunId(now - 10_000);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "keystroke-client-"));
    server = await startServer({ host: "127.0.0.1", port: 0, dbPath: join(dir, "k.db") });
    client = new KeystrokeClient({ baseUrl: `${server.url}/` });
    const t = now - 60_000;
    await client.ingest({
      runId: ok.runId,
      events: [
        created("support", ok.sessionId, t),
        ...[0, 1, 2, 3, 4].map((i) => message(i, t + i)),
        finished("success", t + 9),
      ],
    });
    await client.ingest({
      runId: failed.runId,
      events: [created("support", failed.sessionId, now - 30_000), finished("failed", now - 29_000)],
    });
    await client.ingest({ runId: workflow, events: [created("nightly", "", now - 10_000, "workflow")] });
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("checks health", async () => {
    expect(await client.health()).toMatchObject({ status: "ok" });
  });

  it("strips a trailing slash from the base URL and refuses what is not an http(s) URL", async () => {
    expect(client.baseUrl).toBe(server.url);
    const error = await rejection((async () => new KeystrokeClient({ baseUrl: "ftp://example.com" }))());
    expect(error.code).toBe("invalid_input");
  });

  it("ingests a batch, and a retried batch yields duplicates, not new events", async () => {
    const runId = newRunId();
    const events = [created("support", "ses_retry", Date.now()), message(0, Date.now())];
    const first = await client.ingest({ runId, events });
    expect(first).toEqual({ runId, accepted: 2, duplicates: 0, lastSeq: 2 });
    const again = await client.ingest({ runId, events });
    expect(again).toEqual({ runId, accepted: 0, duplicates: 2, lastSeq: 2 });
  });

  it("lists runs with a RunFilter, newest first, and pages with the cursor", async () => {
    const failedOnly = await client.listRuns({ status: ["failed"] });
    expect(failedOnly.runs.map((r) => r.runId)).toEqual([failed.runId]);
    const workflows = await client.listRuns({ kind: ["workflow"], slug: ["nightly"] });
    expect(workflows.runs.map((r) => r.runId)).toEqual([workflow]);

    const first = await client.listRuns({ project: ["acme"], from: now - 120_000, to: now }, { limit: 2 });
    expect(first.runs.map((r) => r.runId)).toEqual([workflow, failed.runId]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await client.listRuns(
      { project: ["acme"], from: now - 120_000, to: now },
      { limit: 2, cursor: first.nextCursor ?? "" },
    );
    expect(second.runs.map((r) => r.runId)).toEqual([ok.runId]);
    expect(second.nextCursor).toBeNull();
  });

  it("gets a run with its messages paged", async () => {
    const bare = await client.getRun(ok.runId);
    expect(bare.run).toMatchObject({ runId: ok.runId, status: "success", messageCount: 5 });
    expect(bare.messages).toBeUndefined();

    const page1 = await client.getRun(ok.runId, { messages: { limit: 3 }, trace: true });
    expect(page1.messages?.items.map((m) => m.id)).toEqual(["m0", "m1", "m2"]);
    expect(page1.trace).toEqual({ spans: { items: [], nextCursor: null }, logs: { items: [], nextCursor: null } });
    const page2 = await client.getRun(ok.runId, { messages: { limit: 3, cursor: page1.messages?.nextCursor ?? "" } });
    expect(page2.messages?.items.map((m) => m.id)).toEqual(["m3", "m4"]);
    expect(page2.messages?.nextCursor).toBeNull();
  });

  it("lists an agent's sessions and gets one", async () => {
    const all = await client.listSessions("support");
    expect(all.sessions.map((s) => s.sessionId)).toEqual(expect.arrayContaining(["ses_ok", "ses_failed"]));
    const onlyFailed = await client.listSessions("support", { status: ["failed"] });
    expect(onlyFailed.sessions.map((s) => s.sessionId)).toEqual(["ses_failed"]);
    const session = await client.getSession("support", "ses_ok", { messages: true });
    expect(session.run.runId).toBe(ok.runId);
    expect(session.messages?.items).toHaveLength(5);
  });

  it("turns an error answer into the server's KeystrokeError", async () => {
    const missing = await rejection(client.getRun(newRunId()));
    expect(missing.code).toBe("not_found");
    expect(missing.hint).toEqual(expect.any(String));
    const badFilter = await rejection(client.listRuns({}, { limit: 0 }));
    expect(badFilter.code).toBe("invalid_input");
    expect(badFilter.message).toContain("limit");
    const noSession = await rejection(client.getSession("support", "ses_nobody"));
    expect(noSession.code).toBe("not_found");
  });

  it("reports a server that does not answer as unreachable, with a hint", async () => {
    const port = await closedPort();
    const offline = new KeystrokeClient({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await rejection(offline.health());
    expect(error.code).toBe("unreachable");
    expect(error.message).toBe(`No Keystroke server answered at http://127.0.0.1:${port}`);
    expect(error.hint).toContain("KEYSTROKE_URL");
    const streamError = await rejection(offline.streamEvents(ok.runId).next());
    expect(streamError.code).toBe("unreachable");
  });

  it("streams a run's events: replay after a sequence number, then live ones, until aborted", async () => {
    const runId = newRunId();
    const t = Date.now();
    await client.ingest({ runId, events: [created("support", "ses_live", t), message(0, t), message(1, t + 1)] });
    const controller = new AbortController();
    const seen: StoredEvent[] = [];
    const reading = (async () => {
      for await (const event of client.streamEvents(runId, { after: 1, signal: controller.signal })) {
        seen.push(event);
        if (seen.length === 2) {
          await client.ingest({ runId, events: [message(2, t + 2), finished("success", t + 3)] });
        }
        if (seen.length === 4) controller.abort();
      }
    })();
    await reading;
    expect(seen.map((e) => [e.seq, e.type])).toEqual([
      [2, "message.added"],
      [3, "message.added"],
      [4, "message.added"],
      [5, "run.finished"],
    ]);
    expect(seen.every((e) => e.runId === runId)).toBe(true);
  });

  it("fails a stream of an unknown run with not_found", async () => {
    const error = await rejection(client.streamEvents(newRunId()).next());
    expect(error.code).toBe("not_found");
  });
});
