import type { RunDetail } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTriggerServer, type TriggerServer, triggerProject } from "../testing/trigger-project.js";
import { signWebhook } from "./webhook-signature.js";

const SECRET = "whsec_test_0123456789abcdef";

const triggers = {
  "orders.ts": `import { defineWebhookSource } from "keystroke/trigger";
import { z } from "zod";
import { support } from "../agents/support.js";
import { refund } from "../workflows/flows.js";

const orders = defineWebhookSource({
  slug: "orders", name: "Orders", description: "Order events from the shop",
  endpoint: "/orders",
  request: z.object({ orderId: z.string(), type: z.enum(["refund_requested", "shipped"]) }),
  filter: (event) => event.type === "refund_requested",
});

export const toRefund = orders.attach({ workflow: refund, transform: (e) => ({ orderId: e.orderId }) });
export const toSupport = orders.attach({ agent: support, prompt: (e) => \`Order \${e.orderId} asks for a refund\` });
`,
  "signed.ts": `import { defineWebhookSource } from "keystroke/trigger";
import { z } from "zod";
import { record } from "../workflows/flows.js";

export default defineWebhookSource({
  slug: "signed", name: "Signed", description: "Needs a signature",
  endpoint: "/signed", request: z.object({ n: z.number() }), secret: "${SECRET}",
}).attach({ workflow: record });
`,
};

describe("webhook triggers", () => {
  let project: ReturnType<typeof triggerProject>;
  let server: TriggerServer;
  beforeAll(async () => {
    project = triggerProject(triggers);
    server = await startTriggerServer(project.dir);
  });
  afterAll(async () => {
    await server?.close();
    project?.remove();
  });

  const postSigned = (body: string, signature?: string) =>
    fetch(`${server.url}/api/triggers/signed`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(signature ? { "x-keystroke-signature": signature } : {}) },
      body,
    });

  it("fans one event out to both attachments and answers 202 with their run ids", async () => {
    const { status, body } = await server.post<{ runId: string; runIds: string[] }>(
      "/api/triggers/orders",
      { orderId: "A-1", type: "refund_requested" },
      { authorization: "Bearer shop-key", "x-shop-token": "tok_123", "x-request-id": "req-9" },
    );
    expect(status).toBe(202);
    expect(body.runIds).toHaveLength(2);
    expect(body.runId).toBe(body.runIds[0]);
    const runs = await Promise.all(
      body.runIds.map(async (runId) => (await server.get<{ run: RunDetail }>(`/api/history/${runId}`)).body.run),
    );
    const workflowRun = runs.find((r) => r.kind === "workflow");
    const agentRun = runs.find((r) => r.kind === "agent");
    expect(workflowRun?.input).toEqual({ orderId: "A-1" });
    expect(agentRun?.slug).toBe("support");
    for (const run of runs) {
      expect(run.source).toBe("trigger");
      expect(run.trigger).toBe("Webhook · /orders");
      expect(run.actor).toMatchObject({ type: "trigger", name: "Orders" });
      const value = run.triggerValue as { body: unknown; headers: Record<string, string> };
      expect(value.body).toEqual({ orderId: "A-1", type: "refund_requested" });
      expect(value.headers["x-request-id"]).toBe("req-9");
      expect(Object.keys(value.headers)).not.toContain("authorization");
      expect(Object.keys(value.headers)).not.toContain("x-shop-token");
    }
    expect(runs.map((r) => r.actor.id).sort()).toEqual(["orders:refund", "orders:support"]);
    // History filters by the trigger label, and the source's run route finds its runs only.
    const listed = await server.get<{ runs: { runId: string }[] }>(
      `/api/history?trigger=${encodeURIComponent("Webhook · /orders")}`,
    );
    expect(listed.body.runs.map((r) => r.runId).sort()).toEqual([...body.runIds].sort());
    expect((await server.get(`/api/trigger-sources/orders/runs/${body.runIds[0]}`)).status).toBe(200);
    expect((await server.get(`/api/trigger-sources/signed/runs/${body.runIds[0]}`)).status).toBe(404);
  });

  it("answers { ok, skipped } when the filter drops the event, and starts nothing", async () => {
    const before = (await server.get<{ runs: unknown[] }>("/api/history?source=trigger")).body.runs.length;
    const { status, body } = await server.post("/api/triggers/orders", { orderId: "A-2", type: "shipped" });
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, skipped: true });
    expect((await server.get<{ runs: unknown[] }>("/api/history?source=trigger")).body.runs.length).toBe(before);
    const list = await server.get<{ triggers: { id: string; deliveries: { outcome: string }[] }[] }>(
      "/api/trigger-sources",
    );
    expect(list.body.triggers.find((t) => t.id === "orders:refund")?.deliveries[0]?.outcome).toBe("filtered");
  });

  it("refuses a body that fails the request schema with 400 naming the field", async () => {
    const { status, body } = await server.post<{ error: { message: string; details: { field: string } } }>(
      "/api/triggers/orders",
      { orderId: 7, type: "shipped" },
    );
    expect(status).toBe(400);
    expect(body.error.details.field).toBe("orderId");
    expect(body.error.message).toContain("orderId");
  });

  it("refuses a body over the cap with 413", async () => {
    const big = JSON.stringify({ orderId: "x".repeat(1024 * 1024 + 10), type: "shipped" });
    const response = await fetch(`${server.url}/api/triggers/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    });
    expect(response.status).toBe(413);
  });

  it("accepts a good signature once; refuses a bad, a stale, a missing and a replayed one with 401", async () => {
    const body = JSON.stringify({ n: 1 });
    const signature = signWebhook(SECRET, body);
    const good = await postSigned(body, signature);
    expect(good.status).toBe(202);
    const replayed = await postSigned(body, signature);
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as { error: { message: string } }).error.message).toContain("already used");
    const bad = await postSigned(body, signWebhook("another-secret-0123456789", body));
    expect(bad.status).toBe(401);
    const stale = await postSigned(body, signWebhook(SECRET, body, Date.now() - 6 * 60_000));
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { message: string } }).error.message).toContain("5 minutes");
    const tampered = await postSigned(JSON.stringify({ n: 2 }), signWebhook(SECRET, body));
    expect(tampered.status).toBe(401);
    expect((await postSigned(body)).status).toBe(401);
    // Only the good request made a run.
    const runs = await server.get<{ runs: unknown[] }>(`/api/history?actor=${encodeURIComponent("signed:record")}`);
    expect(runs.body.runs).toHaveLength(1);
  });

  it("refuses what a page of another site sends to a source without a secret, in any form; a signed one stays open to it", async () => {
    const historyCount = async () =>
      (await server.get<{ runs: unknown[] }>("/api/history?source=trigger&limit=200")).body.runs.length;
    const before = await historyCount();
    const event = JSON.stringify({ orderId: "X-1", type: "refund_requested" });
    for (const [contentType, headers] of [
      ["text/plain;charset=UTF-8", { origin: "http://evil.example", "sec-fetch-site": "cross-site" }],
      ["application/x-www-form-urlencoded", { origin: "http://evil.example" }],
      ["application/json", { "sec-fetch-site": "cross-site" }],
    ] as const) {
      const response = await fetch(`${server.url}/api/triggers/orders`, {
        method: "POST",
        headers: { "content-type": contentType, ...headers },
        body: event,
      });
      expect([contentType, response.status]).toEqual([contentType, 403]);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/^Cross-site POST/);
    }
    expect(await historyCount()).toBe(before);
    // The server's own page and clients that are not browsers still reach it.
    const own = await fetch(`${server.url}/api/triggers/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url, "sec-fetch-site": "same-origin" },
      body: event,
    });
    expect(own.status).toBe(202);
    // A signed source's signature is its credential, wherever the request comes from.
    const body = JSON.stringify({ n: 41 });
    const signed = await fetch(`${server.url}/api/triggers/signed`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: "http://partner.example",
        "x-keystroke-signature": signWebhook(SECRET, body),
      },
      body,
    });
    expect(signed.status).toBe(202);
  });

  it("answers 404 for an endpoint no source serves", async () => {
    const { status, body } = await server.post<{ error: { hint: string } }>("/api/triggers/nowhere", {});
    expect(status).toBe(404);
    expect(body.error.hint).toContain("/orders");
  });
});
