/**
 * The OTLP sender against a real HTTP server on 127.0.0.1: batches, Retry-After in seconds and as
 * a date, 503, a refused connection, a timeout and the queue bound.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { OtlpSender, type OtlpSenderOptions } from "./otlp-sender.js";

interface Received {
  at: number;
  items: number[];
  headers: IncomingMessage["headers"];
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A backend answering the nth request (from 0) with `answer`, on `port` (a free one by default). */
async function backend(answer: (n: number, response: ServerResponse) => void, port = 0) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        at: Date.now(),
        items: JSON.parse(Buffer.concat(chunks).toString("utf8")),
        headers: request.headers,
      });
      answer(received.length - 1, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, received };
}

/** A sender of numbers as JSON arrays that records what it reports. */
function sender(url: string, options: Partial<OtlpSenderOptions<number>> = {}) {
  const errors: Error[] = [];
  const instance = new OtlpSender<number>({
    url,
    encode: (batch) => ({ body: JSON.stringify(batch), contentType: "application/json" }),
    delayMs: 10_000,
    onError: (error) => errors.push(error),
    ...options,
  });
  return { sender: instance, errors };
}

const gap = (received: Received[], i: number) => (received[i]?.at ?? 0) - (received[i - 1]?.at ?? 0);

it("sends batches of at most maxBatch with the headers and media type given, after delayMs", async () => {
  const server = await backend((_n, response) => response.end("{}"));
  const { sender: s, errors } = sender(server.url, {
    maxBatch: 2,
    delayMs: 50,
    headers: { authorization: "Bearer k" },
  });
  s.add([1, 2, 3, 4, 5]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(server.received.map((r) => r.items)).toEqual([[1, 2], [3, 4], [5]]);
  expect(server.received[0]?.headers).toMatchObject({ authorization: "Bearer k", "content-type": "application/json" });
  expect(errors).toEqual([]);
});

it("waits the seconds a 429's Retry-After names, then delivers once", async () => {
  const server = await backend((n, response) =>
    n === 0 ? response.writeHead(429, { "retry-after": "1" }).end() : response.end("{}"),
  );
  const { sender: s, errors } = sender(server.url);
  s.add([1]);
  await s.close();
  expect(server.received.map((r) => r.items)).toEqual([[1], [1]]);
  expect(gap(server.received, 1)).toBeGreaterThanOrEqual(950);
  expect(errors).toEqual([]);
});

it("waits until the HTTP date a 429's Retry-After names", async () => {
  const server = await backend((n, response) =>
    n === 0
      ? response.writeHead(429, { "retry-after": new Date(Date.now() + 2000).toUTCString() }).end()
      : response.end("{}"),
  );
  const { sender: s, errors } = sender(server.url);
  s.add([1]);
  await s.close();
  expect(server.received).toHaveLength(2);
  expect(gap(server.received, 1)).toBeGreaterThanOrEqual(900);
  expect(gap(server.received, 1)).toBeLessThan(2500);
  expect(errors).toEqual([]);
});

it("caps the Retry-After it honours at maxRetryAfterMs", async () => {
  const server = await backend((n, response) =>
    n === 0 ? response.writeHead(429, { "retry-after": "3600" }).end() : response.end("{}"),
  );
  const { sender: s } = sender(server.url, { maxRetryAfterMs: 100 });
  s.add([1]);
  await s.close();
  expect(server.received).toHaveLength(2);
  expect(gap(server.received, 1)).toBeLessThan(1000);
});

it("retries a 503 without Retry-After after a second, and gives up after maxAttempts saying so once", async () => {
  const server = await backend((_n, response) => response.writeHead(503).end("overloaded"));
  const { sender: s, errors } = sender(server.url, { maxAttempts: 2 });
  s.add([1]);
  await s.close();
  expect(server.received).toHaveLength(2);
  expect(gap(server.received, 1)).toBeGreaterThanOrEqual(950);
  expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/answered 503: overloaded/)]);
});

it("does not retry an answer that retrying cannot change", async () => {
  const server = await backend((_n, response) => response.writeHead(400).end("bad span"));
  const { sender: s, errors } = sender(server.url);
  s.add([1]);
  await s.close();
  expect(server.received).toHaveLength(1);
  expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/answered 400: bad span/)]);
});

it("retries a refused connection after a pause, and delivers once the backend is up", async () => {
  const probe = await backend(() => {});
  const port = Number(new URL(probe.url).port);
  const first = servers.pop();
  await new Promise<void>((resolve) => first?.close(() => resolve()));
  const { sender: s, errors } = sender(probe.url, { backoffMs: 300 });
  s.add([7]);
  const sent = s.flush();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const server = await backend((_n, response) => response.end("{}"), port);
  await sent;
  expect(server.received.map((r) => r.items)).toEqual([[7]]);
  expect(errors).toEqual([]);
});

it("gives up on a refused connection after maxAttempts, saying so once", async () => {
  const probe = await backend(() => {});
  const first = servers.pop();
  await new Promise<void>((resolve) => first?.close(() => resolve()));
  const { sender: s, errors } = sender(probe.url, { backoffMs: 10, maxAttempts: 3 });
  s.add([1]);
  await s.close();
  expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/Could not send spans .*\(3 attempts\)/)]);
});

it("abandons a request not answered within timeoutMs and tries again", async () => {
  const server = await backend((n, response) => {
    if (n > 0) response.end("{}");
  });
  const { sender: s, errors } = sender(server.url, { timeoutMs: 150, backoffMs: 10 });
  s.add([1]);
  await s.close();
  expect(server.received).toHaveLength(2);
  expect(gap(server.received, 1)).toBeGreaterThanOrEqual(140);
  expect(errors).toEqual([]);
});

it("keeps at most maxQueued items while a batch is in flight, dropping the oldest and saying so once", async () => {
  let open = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const server = await backend((_n, response) => void gate.then(() => response.end("{}")));
  const { sender: s, errors } = sender(server.url, { maxBatch: 2, maxQueued: 4 });
  s.add([0, 1]);
  while (server.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  for (let i = 2; i < 10; i++) s.add([i]);
  open();
  await s.close();
  expect(server.received.map((r) => r.items)).toEqual([
    [0, 1],
    [8, 9],
  ]);
  expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/dropped the oldest/)]);
});
