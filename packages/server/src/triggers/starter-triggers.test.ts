import { fileURLToPath } from "node:url";
import type { RunDetail } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/test-server.js";

const starter = fileURLToPath(new URL("../../../../examples/starter", import.meta.url));

describe("the starter's triggers", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ projectDir: starter });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("lists the webhook, the weekday cron and the poll", async () => {
    const { body } = await server.get<{ triggers: { id: string; url?: string; nextFireAt: string | null }[] }>(
      "/api/trigger-sources",
    );
    expect(body.triggers.map((t) => t.id)).toEqual([
      "new-tickets:support",
      "support-tickets:support",
      "weekday-refund-audit:refund-review",
    ]);
    expect(body.triggers[1]?.url).toBe(`${server.url}/api/triggers/support-tickets`);
    const nextAudit = new Date(body.triggers[2]?.nextFireAt ?? "");
    const parisClock = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Paris",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
    }).format(nextAudit);
    expect(parisClock).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:00$/);
  });

  it("answers a posted ticket with a support session, and drops a test ticket", async () => {
    const { status, body } = await server.post<{ runId: string }>("/api/triggers/support-tickets", {
      customer: "Ada",
      message: "Where is my order A-1001?",
    });
    expect(status).toBe(202);
    const run = (await server.get<{ run: RunDetail }>(`/api/history/${body.runId}`)).body.run;
    expect(run).toMatchObject({
      kind: "agent",
      slug: "support",
      source: "trigger",
      trigger: "Webhook · /support-tickets",
    });
    const test = await server.post("/api/triggers/support-tickets", { customer: "QA", message: "ping", test: true });
    expect(test.body).toEqual({ ok: true, skipped: true });
  });
});
