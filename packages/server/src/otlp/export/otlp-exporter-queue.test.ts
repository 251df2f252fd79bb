import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseIngestBatch, type RunEventInput } from "@keystroke/core";
import { newRunId } from "@keystroke/core/ids";
import { openSqliteStore, type RunStore } from "@keystroke/store";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { PublishedBatch } from "../../events/run-event-bus.js";
import { runCreated } from "../../testing/run-events.js";
import { decodeTracesProto } from "../wire/decode-proto.js";
import { OtlpExporter } from "./otlp-exporter.js";

let dir: string;
let store: RunStore;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "keystroke-export-queue-"));
  store = openSqliteStore(join(dir, "keystroke.db"));
});
afterAll(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A committed batch of `calls` model calls of a new run, as the bus publishes it. */
async function modelCalls(calls: number, first: number): Promise<PublishedBatch> {
  const { runId, event } = runCreated({ runId: newRunId() });
  const events: RunEventInput[] = [event];
  for (let i = first; i < first + calls; i++) {
    events.push({
      eventId: `m${i}`,
      type: "model.called",
      time: new Date().toISOString(),
      callId: `call-${i}`,
      provider: "openai",
      model: "gpt-4o",
      usage: { inputTokens: i, outputTokens: 1 },
    });
  }
  const [result] = await store.append([parseIngestBatch({ runId, events })]);
  if (result === undefined) throw new Error("nothing appended");
  return { runId, events: result.events, run: result.run };
}

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

it("keeps at most maxQueued spans while the backend is slow, dropping the oldest and saying so once", async () => {
  const received: number[] = [];
  let open = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const backend = await listen((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      await gate;
      for (const span of decodeTracesProto(Buffer.concat(chunks))) {
        received.push(Number(span.attributes["gen_ai.usage.input_tokens"]));
      }
      response.end();
    });
  });
  const errors: Error[] = [];
  const exporter = new OtlpExporter({
    url: urlOf(backend),
    maxBatch: 2,
    maxQueued: 4,
    delayMs: 10_000,
    onError: (error) => errors.push(error),
  });
  exporter.publish(await modelCalls(10, 0));
  exporter.publish(await modelCalls(10, 10));
  open();
  await exporter.close();
  backend.close();
  expect(received).toEqual([6, 7, 18, 19]);
  expect(errors).toHaveLength(1);
  expect(errors[0]?.message).toMatch(/dropped the oldest spans/);
});

it("pauses between attempts when the backend refuses the connection, then gives up and says so", async () => {
  const attempts: number[] = [];
  const backend = await listen(() => {});
  backend.on("connection", (socket) => {
    attempts.push(Date.now());
    socket.destroy();
  });
  const errors: Error[] = [];
  const exporter = new OtlpExporter({ url: urlOf(backend), backoffMs: 100, onError: (error) => errors.push(error) });
  exporter.publish(await modelCalls(1, 0));
  await exporter.close();
  backend.close();
  expect(attempts).toHaveLength(3);
  expect((attempts[1] as number) - (attempts[0] as number)).toBeGreaterThanOrEqual(90);
  expect((attempts[2] as number) - (attempts[1] as number)).toBeGreaterThanOrEqual(190);
  expect(errors).toHaveLength(1);
});
