import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createCustomSpan, setTraceProcessors, setTracingDisabled, withTrace } from "@openai/agents-core";
import { afterEach, expect, it } from "vitest";
import { KeystrokeProcessor, type KeystrokeProcessorOptions } from "./keystroke-processor.js";

/** A server that answers each request with `answer(n)` (n from 0) and counts the spans it was sent. */
async function receiver(answer: (n: number, response: ServerResponse) => void) {
  const sent: number[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      sent.push(body.resourceSpans[0].scopeSpans[0].spans.length);
      answer(sent.length - 1, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent };
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** Runs a traced workflow of `spans` custom spans through a processor sending to `url`. */
async function trace(url: string, spans: number, options: KeystrokeProcessorOptions = {}): Promise<Error[]> {
  const errors: Error[] = [];
  const processor = new KeystrokeProcessor({ url, delayMs: 10_000, onError: (e) => errors.push(e), ...options });
  setTracingDisabled(false);
  setTraceProcessors([processor]);
  await withTrace("load", async () => {
    for (let i = 0; i < spans; i++) {
      const span = createCustomSpan({ data: { name: `step ${i}`, data: {} } });
      span.start();
      span.end();
    }
  });
  await processor.forceFlush();
  return errors;
}

it("sends at most maxBatch spans per request", async () => {
  const server = await receiver((_n, response) => response.end("{}"));
  expect(await trace(server.url, 1200)).toEqual([]);
  expect(Math.max(...server.sent)).toBeLessThanOrEqual(512);
  expect(server.sent.reduce((a, b) => a + b, 0)).toBe(1201);
});

it("retries a 503 after the Retry-After it names, and delivers once", async () => {
  const server = await receiver((n, response) => {
    if (n === 0) response.writeHead(503, { "retry-after": "0" }).end();
    else response.end("{}");
  });
  expect(await trace(server.url, 2)).toEqual([]);
  expect(server.sent).toEqual([3, 3]);
});

it("gives up after maxAttempts when the server stays busy, and says so once", async () => {
  const server = await receiver((_n, response) => response.writeHead(429, { "retry-after": "0" }).end());
  const errors = await trace(server.url, 1, { maxAttempts: 3 });
  expect(server.sent).toEqual([2, 2, 2]);
  expect(errors.map((e) => e.message)).toEqual([expect.stringContaining("answered 429")]);
});

it("abandons a request the server does not answer within timeoutMs", async () => {
  const server = await receiver(() => {});
  const errors = await trace(server.url, 1, { timeoutMs: 100, maxAttempts: 2 });
  expect(server.sent).toEqual([2, 2]);
  expect(errors).toHaveLength(1);
  expect(errors[0]?.message).toMatch(/Could not send spans/);
});
