/**
 * Slow uploads: clients on 127.0.0.1 that send most of a large body and then stall. Past the
 * budgets of bodies in flight the next one is answered 429 with Retry-After at once, before its
 * body is read (so it is not held in memory), and the server serves again once the stalled ones
 * go. Bounded: a fixed number of sockets, each closed at the end.
 */
import { connect, type Socket } from "node:net";
import Fastify from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCreated } from "../testing/run-events.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";
import { useInFlightLimit } from "./in-flight-limit.js";

const MIB = 1024 * 1024;
const SOCKETS = 12;

let server: TestServer;
const sockets: Socket[] = [];
beforeEach(async () => {
  server = await startTestServer({ bodyLimitBytes: MIB, inFlight: { maxRequests: 6, maxBytes: 4 * MIB } });
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server.close();
});

interface Upload {
  /** What the server answered so far; "" while it reads the body. */
  answer(): string;
}

/**
 * Starts `POST /api/ingest` declaring `declared` bytes (or none: chunked, as OpenTelemetry's HTTP
 * exporters send), sends `sent` of them, then stalls.
 */
async function stalledUpload(declared: number | "chunked", sent: number): Promise<Upload> {
  const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
  sockets.push(socket);
  let answer = "";
  socket.on("data", (chunk) => {
    answer += chunk.toString();
  });
  socket.on("error", () => {});
  await new Promise((resolve) => socket.once("connect", resolve));
  const length = declared === "chunked" ? "Transfer-Encoding: chunked" : `Content-Length: ${declared}`;
  socket.write(`POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${length}\r\n\r\n`);
  const body = Buffer.alloc(sent, 0x20);
  const framed =
    declared === "chunked" ? Buffer.concat([Buffer.from(`${sent.toString(16)}\r\n`), body, Buffer.from("\r\n")]) : body;
  await new Promise<void>((resolve) => socket.write(framed, () => resolve()));
  // Long enough for the server to refuse at once; an admitted upload stays unanswered.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { answer: () => answer };
}

/**
 * Sends `POST path` with a chunked body of `size` bytes, whole, then `GET /api/health` on the same
 * connection; resolves with the status line of every answer (both, unless the connection stalls).
 */
async function chunkedThenNext(path: string, contentType: string, size: number): Promise<string[]> {
  const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
  sockets.push(socket);
  let answer = "";
  socket.on("data", (chunk) => {
    answer += chunk.toString("latin1");
  });
  socket.on("error", () => {});
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\nTransfer-Encoding: chunked\r\n\r\n`,
  );
  const piece = 64 * 1024;
  for (let sent = 0; sent < size; sent += piece) {
    const part = Buffer.alloc(Math.min(piece, size - sent), 0x20);
    const written = socket.write(
      Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from("\r\n")]),
    );
    if (!written) await new Promise((resolve) => socket.once("drain", resolve));
  }
  socket.write("0\r\n\r\nGET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const statuses = () => answer.match(/HTTP\/1\.1 \d{3}/g) ?? [];
  for (let waited = 0; statuses().length < 2 && waited < 5000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return statuses();
}

describe("bodies in flight", () => {
  it("refuses uploads past the byte budget with 429 + Retry-After before reading them, and recovers", async () => {
    const uploads: Upload[] = [];
    for (let i = 0; i < SOCKETS; i++) uploads.push(await stalledUpload(MIB - 1, MIB - 64 * 1024));
    const answers = uploads.map((upload) => upload.answer());
    // Four bodies of just under 1 MiB fit the 4 MiB budget; the rest are refused.
    expect(answers.slice(0, 4)).toEqual(["", "", "", ""]);
    for (const answer of answers.slice(4)) {
      expect(answer).toMatch(/^HTTP\/1\.1 429 /);
      expect(answer).toMatch(/\r\nretry-after: 1\r\n/i);
      expect(answer).toContain('"code":"rate_limited"');
      expect(answer).toContain("The server is busy: 4 requests with");
    }

    const { runId, event } = runCreated();
    expect((await server.ingest(runId, [event])).status).toBe(429);
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await server.ingest(runId, [event])).status).toBe(200);
  });

  it("says when to retry on every route that takes a body, webhooks and Slack events included", async () => {
    for (let i = 0; i < 4; i++) await stalledUpload(MIB - 1, MIB - 64 * 1024);
    for (const path of ["/api/ingest", "/api/triggers/orders", "/api/gateways/slack/events", "/v1/traces"]) {
      const response = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ hello: "world" }),
      });
      expect([path, response.status, response.headers.get("retry-after")]).toEqual([path, 429, "1"]);
    }
  });

  it("refuses uploads past the request budget, however small", async () => {
    const uploads: Upload[] = [];
    for (let i = 0; i < 8; i++) uploads.push(await stalledUpload(1000, 10));
    const statuses = uploads.map((upload) => upload.answer().slice(0, 12));
    expect(statuses).toEqual(["", "", "", "", "", "", "HTTP/1.1 429", "HTTP/1.1 429"]);
    // Requests without a body are not counted.
    expect((await server.get("/api/history")).status).toBe(200);
  });

  it("counts a chunked body by the bytes that came, not the cap, so small exporter requests are not refused", async () => {
    const uploads: Upload[] = [];
    for (let i = 0; i < 6; i++) uploads.push(await stalledUpload("chunked", 10 * 1024));
    // Six chunked bodies of 10 KiB are 60 KiB of the 4 MiB budget, though each may grow to 1 MiB.
    expect(uploads.map((upload) => upload.answer())).toEqual(["", "", "", "", "", ""]);
  });

  it("refuses a chunked body with 429 + Retry-After when its bytes would take the total past the budget", async () => {
    const uploads: Upload[] = [];
    for (let i = 0; i < 5; i++) uploads.push(await stalledUpload("chunked", 900 * 1024));
    const answers = uploads.map((upload) => upload.answer());
    // Four of 900 KiB fit the 4 MiB budget; the fifth's bytes go past it as they arrive.
    expect(answers.slice(0, 4)).toEqual(["", "", "", ""]);
    expect(answers[4]).toMatch(/^HTTP\/1\.1 429 /);
    expect(answers[4]).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(answers[4]).toContain("The server is busy: 5 requests with");
    // The refused body's bytes are given back: a small request fits again.
    const { runId, event } = runCreated();
    expect((await server.ingest(runId, [event])).status).toBe(200);
  });

  it("stops counting a chunked body once it is answered: one over the cap leaves nothing counted", async () => {
    // 6 MiB past a 1 MiB cap: 413, and the rest is read and dropped without counting.
    expect(await chunkedThenNext("/api/ingest", "application/json", 6 * MIB)).toEqual(["HTTP/1.1 413", "HTTP/1.1 200"]);
    await stalledUpload(1000, 10);
    const { runId, event } = runCreated();
    expect((await server.ingest(runId, [event])).status).toBe(200);
  });

  it("keeps serving when a chunked body over the cap goes on past the budget beside other uploads", async () => {
    await stalledUpload("chunked", 10 * 1024);
    await stalledUpload("chunked", 10 * 1024);
    expect(await chunkedThenNext("/api/ingest", "application/json", 8 * MIB)).toEqual(["HTTP/1.1 413", "HTTP/1.1 200"]);
    expect((await server.get("/api/health")).status).toBe(200);
  });

  it("refuses an OTLP chunked body the server's budget has no room for with 429, under both limits", async () => {
    for (let i = 0; i < 4; i++) await stalledUpload(MIB - 1, 64 * 1024);
    const [refused, next] = await chunkedThenNext("/v1/traces", "application/x-protobuf", 64 * 1024);
    expect([refused, next]).toEqual(["HTTP/1.1 429", "HTTP/1.1 200"]);
  });

  it("reads and drops a chunked body answered before it was read, and answers the next request", async () => {
    expect(await chunkedThenNext("/api/ingest", "text/plain", 256 * 1024)).toEqual(["HTTP/1.1 415", "HTTP/1.1 200"]);
  });

  it("releases a request queued behind an open event stream when its connection closes", async () => {
    for (let i = 0; i < 4; i++) {
      const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
      socket.on("error", () => {});
      await new Promise((resolve) => socket.once("connect", resolve));
      // The POST's answer waits behind the stream's, so no answer of its own ever closes.
      socket.write(
        `GET /api/history/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nPOST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${MIB - 1}\r\n\r\n`,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Four bodies of 1 MiB filled the 4 MiB budget while their connections were open; none counts now.
    await stalledUpload(1000, 10);
    const { runId, event } = runCreated();
    expect((await server.ingest(runId, [event])).status).toBe(200);
  });

  it("counts no more of a chunked body than came before its answer, even while that answer waits", async () => {
    const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
    sockets.push(socket);
    socket.on("error", () => {});
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(
      "GET /api/history/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nPOST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    // 5 MiB against a 1 MiB cap: answered 413 (queued behind the stream), the rest read and dropped.
    const piece = Buffer.alloc(64 * 1024, 0x20);
    for (let sent = 0; sent < 5 * MIB; sent += piece.length) {
      if (!socket.write(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]))) {
        await new Promise((resolve) => socket.once("drain", resolve));
      }
    }
    socket.write("0\r\n\r\n");
    await new Promise((resolve) => setTimeout(resolve, 200));
    // At most the cap of it counts while the stream stays open: 2.7 MiB more still fit the 4 MiB budget.
    const uploads: Upload[] = [];
    for (let i = 0; i < 3; i++) uploads.push(await stalledUpload(Math.round(0.9 * MIB), 1024));
    expect(uploads.map((upload) => upload.answer())).toEqual(["", "", ""]);
  });

  it("always admits a request alone, even one larger than the byte budget", async () => {
    const small = await startTestServer({ bodyLimitBytes: MIB, inFlight: { maxBytes: 1024 } });
    try {
      const { runId, event } = runCreated();
      const reply = await small.post("/api/ingest", { runId, events: [{ ...event, input: "x".repeat(4096) }] });
      expect(reply.status).toBe(200);
      // Chunked too: a body alone is read whole, whatever it grows to.
      const second = runCreated();
      const body = JSON.stringify({ runId: second.runId, events: [{ ...second.event, input: "y".repeat(4096) }] });
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(body));
          controller.close();
        },
      });
      const chunked = await fetch(`${small.url}/api/ingest`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit);
      expect(chunked.status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe("a limit behind a hook that waits (as the OTLP receiver's is behind the key check)", () => {
  it("does not count a client that left while the hook waited", async () => {
    const app = Fastify();
    // Stands in for the key check, which waits on the identity store.
    app.addHook("onRequest", () => new Promise<void>((resolve) => setTimeout(resolve, 200)));
    await app.register(async (scope) => {
      useInFlightLimit(scope, { maxRequests: 1 }, MIB, { who: "The receiver", hint: "Retry later" });
      scope.post("/in", async () => ({ ok: true }));
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const port = (app.server.address() as { port: number }).port;
    try {
      for (let i = 0; i < 2; i++) {
        const socket = connect(port, "127.0.0.1");
        socket.on("error", () => {});
        await new Promise((resolve) => socket.once("connect", resolve));
        socket.write(
          "POST /in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n",
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
        socket.destroy();
      }
      await new Promise((resolve) => setTimeout(resolve, 400));
      // Had the two that left been counted, a lone request would find the one place taken for good.
      const response = await fetch(`http://127.0.0.1:${port}/in`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(response.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
