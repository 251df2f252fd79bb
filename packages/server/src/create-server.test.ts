import { connect } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCreated } from "./testing/run-events.js";
import { startTestServer, type TestServer } from "./testing/test-server.js";

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

describe("createServer", () => {
  it("answers an unknown route with 404 in the error shape, with a hint", async () => {
    const { status, body } = await server.get<{ error: { code: string; message: string; hint: string } }>(
      "/api/nothing-here?x=1",
    );
    expect(status).toBe(404);
    expect(body.error).toEqual({
      code: "not_found",
      message: "No route GET /api/nothing-here",
      hint: "See GET /api/openapi.json for the routes of this server",
    });
  });

  it("answers an empty JSON body with 400 saying so", async () => {
    const response = await fetch(`${server.url}/api/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "",
    });
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(400);
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.message).toContain("empty");
  });

  it("closes promptly while a client holds a connection that never sent a request", async () => {
    const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    const started = Date.now();
    await server.server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    socket.destroy();
  });

  it("lets a request under way finish when it closes", async () => {
    const { runId, event } = runCreated();
    const body = JSON.stringify({ runId, events: [event] });
    const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString();
    });
    const ended = new Promise((resolve) => socket.once("close", resolve));
    const received = new Promise((resolve) => server.server.server.once("request", resolve));
    socket.write(
      `POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    );
    await received;
    const closing = server.server.close();
    socket.write(body);
    await closing;
    await ended;
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain(`"runId":"${runId}"`);
  });
});
