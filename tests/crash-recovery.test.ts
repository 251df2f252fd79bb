/**
 * Crash recovery, end to end: `keystroke serve` takes batches from several concurrent ingest
 * clients and is killed with SIGKILL mid-stream. Restarted on the same SQLite file, it must hold
 * every event it acknowledged (the write path acknowledges only after commit), with its folded
 * History row in step, and a client retrying an acknowledged batch must get duplicates, not new
 * events.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertBuilt, type ServeProcess, startServeProcess } from "@keystroke/cli/testing";
import { KeystrokeError, type RunEventInput } from "@keystroke/core";
import { newRunId } from "@keystroke/core/ids";
import { type IngestBatchInput, KeystrokeClient, type StoredEvent } from "keystroke/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLIENTS = 4;
const MAX_BATCHES = 200;
const EVENTS_PER_BATCH = 5;
/** Acknowledged batches, across clients, after which the server is killed. */
const KILL_AFTER = 120;
const DEADLINE_MS = 30_000;

interface ClientLog {
  runId: string;
  acked: IngestBatchInput[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const hex = (n: number, value: number) => value.toString(16).padStart(n, "0").slice(-n);

function batchOf(runId: string, client: number, index: number): IngestBatchInput {
  const at = Date.now();
  const id = (k: number) => `evt_c${client}_b${index}_${k}`;
  const text = (k: number, role: "user" | "assistant"): RunEventInput => ({
    eventId: id(k),
    type: "message.added",
    time: iso(at),
    message: { id: `m${index}_${k}`, role, parts: [{ type: "text", text: `client ${client} batch ${index} ${role}` }] },
  });
  if (index === 0) {
    const created: RunEventInput = {
      eventId: id(0),
      type: "run.created",
      time: iso(at),
      kind: "agent",
      slug: "load",
      name: "Load agent",
      project: "crash",
      sessionId: `ses_client_${client}`,
      source: "api",
      trigger: { label: "API prompt" },
      actor: { type: "api_key", id: "key_crash" },
      status: "running",
    };
    return { runId, events: [created, text(1, "user"), text(2, "assistant"), text(3, "user"), text(4, "assistant")] };
  }
  const spanId = hex(16, client * 1_000_000 + index);
  return {
    runId,
    events: [
      text(0, "user"),
      {
        eventId: id(1),
        type: "model.called",
        time: iso(at),
        callId: `call_${index}`,
        provider: "openai",
        model: "gpt-5",
        usage: { inputTokens: 100, outputTokens: 20 },
        cost: 0.0001,
      },
      {
        eventId: id(2),
        type: "span.recorded",
        time: iso(at),
        span: { traceId: hex(32, client + 1), spanId, name: "chat gpt-5", startTime: iso(at - 3), endTime: iso(at) },
      },
      {
        eventId: id(3),
        type: "log.recorded",
        time: iso(at),
        log: { time: iso(at), level: "info", message: `batch ${index}`, spanId },
      },
      text(4, "assistant"),
    ],
  };
}

/** Sends batches one after another until the server stops answering or the deadline passes. */
async function ingestUntilCrash(
  client: KeystrokeClient,
  n: number,
  onAck: () => void,
  deadline: number,
): Promise<ClientLog> {
  const log: ClientLog = { runId: newRunId(), acked: [] };
  for (let index = 0; index < MAX_BATCHES && Date.now() < deadline; index++) {
    const batch = batchOf(log.runId, n, index);
    try {
      const result = await client.ingest(batch);
      expect(result).toMatchObject({ runId: log.runId, accepted: EVENTS_PER_BATCH, duplicates: 0 });
      log.acked.push(batch);
      onAck();
    } catch (thrown) {
      if (thrown instanceof KeystrokeError && thrown.code === "unreachable") break;
      throw thrown;
    }
  }
  return log;
}

/** Replays a run's stored events over SSE up to `lastSeq`. */
async function replay(client: KeystrokeClient, runId: string, lastSeq: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  for await (const event of client.streamEvents(runId, { after: 0, signal: controller.signal })) {
    events.push(event);
    if (event.seq >= lastSeq) controller.abort();
  }
  clearTimeout(timer);
  return events;
}

describe("crash recovery", () => {
  let dir: string;
  const servers: ServeProcess[] = [];

  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), "keystroke-crash-"));
  });
  afterAll(async () => {
    for (const server of servers) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill("SIGTERM");
        await server.exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every acknowledged event after kill -9, and a retried batch is all duplicates", {
    timeout: 90_000,
  }, async () => {
    const db = join(dir, "k.db");
    const first = await startServeProcess(["--port", "0", "--db", db, "--no-auth"]);
    servers.push(first);
    const writer = new KeystrokeClient({ baseUrl: first.url });
    let acks = 0;
    const onAck = () => {
      acks++;
      if (acks === KILL_AFTER) first.child.kill("SIGKILL");
    };
    const deadline = Date.now() + DEADLINE_MS;
    const logs = await Promise.all(
      Array.from({ length: CLIENTS }, (_, n) => ingestUntilCrash(writer, n, onAck, deadline)),
    );
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(acks).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(acks).toBeLessThan(CLIENTS * MAX_BATCHES);

    const second = await startServeProcess(["--port", "0", "--db", db, "--no-auth"]);
    servers.push(second);
    const reader = new KeystrokeClient({ baseUrl: second.url });

    for (const log of logs.filter((l) => l.acked.length > 0)) {
      const ackedIds = log.acked.flatMap((b) => b.events.map((e) => e.eventId));
      const { run } = await reader.getRun(log.runId);
      expect(run.lastSeq === ackedIds.length || run.lastSeq === ackedIds.length + EVENTS_PER_BATCH).toBe(true);

      const events = await replay(reader, log.runId, run.lastSeq);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: run.lastSeq }, (_, i) => i + 1));
      expect(events.slice(0, ackedIds.length).map((e) => e.eventId)).toEqual(ackedIds);
      expect(run.messageCount).toBe(events.filter((e) => e.type === "message.added").length);
      expect(run.stepCount).toBe(events.filter((e) => e.type === "model.called").length);

      for (const batch of log.acked) {
        const retried = await reader.ingest(batch);
        expect(retried).toEqual({ runId: log.runId, accepted: 0, duplicates: EVENTS_PER_BATCH, lastSeq: run.lastSeq });
      }
      expect((await reader.getRun(log.runId)).run.lastSeq).toBe(run.lastSeq);
    }

    second.child.kill("SIGTERM");
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });
});
