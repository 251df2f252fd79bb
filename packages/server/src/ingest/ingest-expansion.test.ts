/**
 * Bodies that grow many-fold once parsed: a few megabytes of nothing but tiny objects
 * (`[{},{},…]`) took some 25 times their size in memory, so four of them held 1.6 GB though the
 * bodies in flight are capped at 64 MiB. Such a body is refused with 413 before it is parsed;
 * large bodies of real data (many objects with something in them, or long text full of brackets)
 * are taken as before.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { MAX_JSON_CONTAINERS } from "../errors/json-body-parser.js";
import { runCreated } from "../testing/run-events.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** `POST /api/ingest` of one new run whose input is `input` (already JSON). */
function ingestWithInput(input: string): Promise<Response> {
  const { runId, event } = runCreated();
  const head = JSON.stringify({ runId, events: [{ ...event, input: "__input__" }] });
  return fetch(`${server.url}/api/ingest`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: head.replace('"__input__"', input),
  });
}

it("refuses a body of more arrays and objects than it may hold with 413, before parsing it", async () => {
  const objects = MAX_JSON_CONTAINERS + 1;
  const response = await ingestWithInput(`[${"{},".repeat(objects - 1)}{}]`);
  expect(response.status).toBe(413);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("payload_too_large");
  expect(body.error.message).toBe("The body holds more than 1,000,000 arrays and objects");
  // Nested arrays count as much as objects.
  expect((await ingestWithInput(`[${"[],".repeat(objects - 1)}[]]`)).status).toBe(413);
  expect((await server.get("/api/health")).status).toBe(200);
});

it("takes large bodies of real data: many objects with content, and text full of brackets", async () => {
  const rows = Array.from({ length: 300_000 }, (_, i) => ({ id: i, name: `row ${i}` }));
  const many = await ingestWithInput(JSON.stringify(rows));
  expect(many.status).toBe(200);
  // Brackets inside strings open nothing: 3 million of them, escaped quotes included.
  const text = JSON.stringify(`[{\\"quoted\\": [1]}, ${"[{".repeat(1_500_000)}`);
  const bracketed = await ingestWithInput(text);
  expect(bracketed.status).toBe(200);
});
