/**
 * Cross-site requests: a page on another site may not change anything here (not even with a
 * body-less `mode: "no-cors"` POST), on every state-changing route the app registers (read from
 * Fastify's route table, so routes added later are covered) except those with a credential of
 * their own. Clients that are not browsers and the server's own web page keep working, and no
 * other origin is ever granted CORS.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest } from "../testing/raw-request.js";
import { registeredRoutes, samplePath } from "../testing/registered-routes.js";
import { runCreated } from "../testing/run-events.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";
import { hasOwnCredential, ROUTES_WITH_OWN_CREDENTIAL } from "./own-credential-routes.js";

const starter = fileURLToPath(new URL("../../../../examples/starter", import.meta.url));
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

interface ErrorBody {
  error?: { code: string; message: string; hint: string };
}

let server: TestServer;
let host: string;
beforeAll(async () => {
  server = await startTestServer({ projectDir: starter });
  host = new URL(server.url).host;
});
afterAll(async () => {
  await server.close();
});

const crossSite = () => ({ origin: "http://evil.example", "sec-fetch-site": "cross-site" });
const sameOrigin = () => ({ origin: server.url, "sec-fetch-site": "same-origin" });

/** Whether the reply is the same-origin check's refusal (not a route's own answer). */
function refusedCrossSite(reply: { status: number; body: unknown }): boolean {
  return reply.status === 403 && ((reply.body as ErrorBody).error?.message ?? "").startsWith("Cross-site");
}

function send(method: string, url: string, headers: Record<string, string>) {
  return rawRequest(server.url, {
    method,
    path: samplePath(url),
    headers: { host, "content-type": "application/json", ...headers },
    body: JSON.stringify({}),
  });
}

function stateChangingRoutes() {
  const routes = registeredRoutes(server.server).filter((route) => STATE_CHANGING.has(route.method));
  expect(routes).toEqual(
    expect.arrayContaining([
      { method: "POST", url: "/api/ingest" },
      { method: "POST", url: "/api/agents/:slug/prompt" },
      { method: "POST", url: "/api/runs/:runId/cancel" },
      { method: "POST", url: "/v1/traces" },
    ]),
  );
  return routes;
}

describe("the same-origin check", () => {
  it("refuses cross-site requests with 403 on every state-changing route but those with their own credential", async () => {
    for (const { method, url } of stateChangingRoutes()) {
      const browsers: Record<string, string>[] = [
        crossSite(),
        { origin: "http://evil.example" },
        { "sec-fetch-site": "same-site" },
      ];
      for (const headers of browsers) {
        const reply = await send(method, url, headers);
        const label = `${method} ${url} ${JSON.stringify(headers)}`;
        if (hasOwnCredential(url)) {
          expect(refusedCrossSite(reply), label).toBe(false);
          continue;
        }
        expect(refusedCrossSite(reply), `${label}: ${reply.status} ${JSON.stringify(reply.body)}`).toBe(true);
        expect((reply.body as ErrorBody).error?.code, label).toBe("forbidden");
        expect(reply.headers["access-control-allow-origin"], label).toBeUndefined();
      }
    }
  });

  it("lets clients that are not browsers and the server's own page through on every state-changing route", async () => {
    for (const { method, url } of stateChangingRoutes()) {
      const allowed: Record<string, string>[] = [{}, sameOrigin(), { origin: server.url }];
      for (const headers of allowed) {
        const reply = await send(method, url, headers);
        expect(refusedCrossSite(reply), `${method} ${url} ${JSON.stringify(headers)}`).toBe(false);
      }
    }
  });

  it("keeps the exemptions in one list of route prefixes", () => {
    expect(ROUTES_WITH_OWN_CREDENTIAL).toEqual(["/api/hooks/", "/api/triggers/", "/api/gateways/"]);
    expect(hasOwnCredential("/api/hooks/:token")).toBe(true);
    expect(hasOwnCredential("/api/gateways/slack/events")).toBe(true);
    expect(hasOwnCredential("/api/hookshot")).toBe(false);
    expect(hasOwnCredential("/api/runs/:runId/cancel")).toBe(false);
  });

  it("does not cancel a run for a body-less no-cors POST from another site; the page itself can", async () => {
    const { runId, event } = runCreated({ slug: "long-task" });
    expect((await server.ingest(runId, [event])).status).toBe(200);
    // What `fetch(url, { method: "POST", mode: "no-cors" })` on another site sends: no body, no Content-Type.
    const attack = await rawRequest(server.url, {
      method: "POST",
      path: `/api/runs/${runId}/cancel`,
      headers: { host, ...crossSite(), "sec-fetch-mode": "no-cors" },
    });
    expect(attack.status).toBe(403);
    expect((attack.body as ErrorBody).error?.message).toBe(
      `Cross-site POST /api/runs/${runId}/cancel refused: sent from origin http://evil.example`,
    );
    expect((await server.get<{ run: { status: string } }>(`/api/history/${runId}`)).body.run.status).toBe("running");

    const own = await rawRequest(server.url, {
      method: "POST",
      path: `/api/runs/${runId}/cancel`,
      headers: { host, ...sameOrigin(), "sec-fetch-mode": "cors" },
    });
    expect(own.status).toBe(200);
    expect((await server.get<{ run: { status: string } }>(`/api/history/${runId}`)).body.run.status).toBe("canceled");
  });

  it("starts no session for a cross-site prompt; curl's starts one", async () => {
    const prompt = (headers: Record<string, string>) =>
      rawRequest(server.url, {
        method: "POST",
        path: "/api/agents/support/prompt",
        headers: { host, "content-type": "application/json", ...headers },
        body: JSON.stringify({ message: "Where is my order A-1001?" }),
      });
    expect((await prompt(crossSite())).status).toBe(403);
    expect((await server.get<{ sessions: unknown[] }>("/api/agents/support/sessions")).body.sessions).toEqual([]);
    const curl = await prompt({});
    expect(curl.status).toBe(200);
    expect((await server.get<{ sessions: unknown[] }>("/api/agents/support/sessions")).body.sessions).toHaveLength(1);
  });

  it("answers a CORS preflight from another site without granting it", async () => {
    const reply = await rawRequest(server.url, {
      method: "OPTIONS",
      path: "/api/ingest",
      headers: { host, origin: "http://evil.example", "access-control-request-method": "POST" },
    });
    expect(reply.headers["access-control-allow-origin"]).toBeUndefined();
    expect(reply.headers["access-control-allow-methods"]).toBeUndefined();
  });
});
