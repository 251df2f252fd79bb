/**
 * DNS rebinding: a request naming a Host this server was not set up for is refused on every
 * route the app registers (read from Fastify's route table, so routes added later are covered),
 * before the route runs; loopback names and the configured ones are served.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest } from "../testing/raw-request.js";
import { registeredRoutes, samplePath } from "../testing/registered-routes.js";
import { runCreated } from "../testing/run-events.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";

interface ErrorBody {
  error: { code: string; message: string; hint: string };
}

let server: TestServer;
let port: string;
beforeAll(async () => {
  server = await startTestServer({ allowedHosts: ["keystroke.example.com", "2001:db8::1"] });
  port = new URL(server.url).port;
  const { runId, event } = runCreated();
  expect((await server.ingest(runId, [event])).status).toBe(200);
});
afterAll(async () => {
  await server.close();
});

const hostile = () => `evil.example:${port}`;

describe("the Host check", () => {
  it("refuses a foreign Host with 403 on every registered route, naming the host and the flag", async () => {
    const routes = registeredRoutes(server.server);
    expect(routes).toEqual(
      expect.arrayContaining([
        { method: "GET", url: "/api/history" },
        { method: "POST", url: "/api/ingest" },
        { method: "POST", url: "/api/agents/:slug/prompt" },
        { method: "POST", url: "/api/runs/:runId/cancel" },
        { method: "POST", url: "/v1/traces" },
        { method: "GET", url: "*" },
      ]),
    );
    for (const { method, url } of routes) {
      const hasBody = method !== "GET" && method !== "HEAD";
      const reply = await rawRequest(server.url, {
        method,
        path: samplePath(url),
        headers: { host: hostile(), ...(hasBody ? { "content-type": "application/json" } : {}) },
        body: hasBody ? JSON.stringify({ message: "hi", runId: "run_x", events: [] }) : undefined,
      });
      expect(reply.status, `${method} ${url}`).toBe(403);
      if (method === "HEAD") continue;
      const { error } = reply.body as ErrorBody;
      expect(error.code, `${method} ${url}`).toBe("forbidden");
      expect(error.message, `${method} ${url}`).toBe(`Host "evil.example:${port}" is not served by this server`);
      expect(error.hint, `${method} ${url}`).toContain("--allowed-host evil.example");
    }
  });

  it("refuses a foreign Host on a path no route serves too", async () => {
    const reply = await rawRequest(server.url, { method: "GET", path: "/api/nothing", headers: { host: hostile() } });
    expect(reply.status).toBe(403);
  });

  it("does not show the runs to a rebound page, and serves them to loopback and configured names", async () => {
    const refused = await rawRequest(server.url, { method: "GET", path: "/api/history", headers: { host: hostile() } });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain("run_");
    for (const host of [
      `localhost:${port}`,
      `LOCALHOST.:${port}`,
      `127.0.0.1:${port}`,
      `127.3.2.1:${port}`,
      `[::1]:${port}`,
      "localhost",
      `keystroke.example.com:${port}`,
      `Keystroke.Example.com`,
      `[2001:db8::1]:${port}`,
    ]) {
      const reply = await rawRequest(server.url, { method: "GET", path: "/api/history", headers: { host } });
      expect(reply.status, host).toBe(200);
      expect((reply.body as { runs: unknown[] }).runs, host).toHaveLength(1);
    }
  });

  it("refuses names that only look local, and Host headers that are not host names", async () => {
    for (const host of [
      `localhost.evil.example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      `128.0.0.1:${port}`,
      `127.0.0.256:${port}`,
      `[::2]:${port}`,
      `evil@127.0.0.1:${port}`,
      `example.com`,
    ]) {
      const reply = await rawRequest(server.url, { method: "GET", path: "/api/health", headers: { host } });
      expect(reply.status, host).toBe(403);
    }
  });

  it("refuses a request that carries two Host headers with 400, whichever comes first", async () => {
    for (const hosts of [
      [`127.0.0.1:${port}`, hostile()],
      [hostile(), `127.0.0.1:${port}`],
      [`127.0.0.1:${port}`, `127.0.0.1:${port}`],
    ]) {
      const socket = connect(Number(port), "127.0.0.1");
      let answer = "";
      socket.on("data", (chunk) => {
        answer += chunk.toString();
      });
      const closed = new Promise((resolve) => socket.on("close", resolve));
      socket.end(
        `GET /api/history HTTP/1.1\r\n${hosts.map((h) => `Host: ${h}\r\n`).join("")}Connection: close\r\n\r\n`,
      );
      await closed;
      expect([hosts, answer.split("\r\n", 1)[0]]).toEqual([hosts, "HTTP/1.1 400 Bad Request"]);
      expect(answer).not.toContain('"runs"');
    }
  });
});
