import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunSummary } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTriggerServer, type TriggerServer, triggerProject } from "../testing/trigger-project.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const triggers = {
  "nightly.ts": `import { defineCronSource } from "keystroke/trigger";
import { record, refund } from "../workflows/flows.js";

const nightly = defineCronSource({
  slug: "nightly", name: "Nightly", description: "3:00 in Paris",
  schedule: "0 3 * * *", timezone: "Europe/Paris", payload: { orderId: "N-1" },
});
export const toRecord = nightly.attach({ workflow: record });
export const toRefund = nightly.attach({ workflow: refund, overlap: "queue" });
`,
  "broken.ts": `import { defineWebhookSource } from "keystroke/trigger";
import { z } from "zod";
import { refund } from "../workflows/flows.js";

export default defineWebhookSource({
  slug: "broken", name: "Broken", description: "Its transform misses the input",
  endpoint: "/broken", request: z.object({ id: z.string() }),
}).attach({ workflow: refund, transform: (e) => ({ order: e.id }) });
`,
  "tickets.ts": `import { readFileSync } from "node:fs";
import { definePollSource } from "keystroke/trigger";
import { record } from "../workflows/flows.js";

interface Ticket { id: number; text: string; spam?: boolean }

export default definePollSource<Ticket, { cursor: number }>({
  slug: "tickets", name: "Tickets", description: "New tickets in feed.json",
  schedule: "1h",
  run({ state, setState }) {
    const feed = JSON.parse(readFileSync(new URL("../../feed.json", import.meta.url), "utf8")) as Ticket[] | { fail: string };
    if (!Array.isArray(feed)) throw new Error(feed.fail);
    const fresh = feed.filter((t) => t.id > (state?.cursor ?? 0));
    if (fresh.length) setState({ cursor: fresh[fresh.length - 1]!.id });
    return fresh;
  },
  filter: (ticket) => !ticket.spam,
}).attach({ workflow: record, transform: (t) => ({ ticket: t.id }) });
`,
};

interface View {
  id: string;
  source: { slug: string; kind: string; schedule?: string; timezone?: string; endpoint?: string };
  target: { kind: string; slug: string };
  enabled: boolean;
  overlap: string;
  lastFireAt: string | null;
  nextFireAt: string | null;
  lastError: { message: string; at: string } | null;
  url?: string;
  deliveries: { outcome: string; runId: string | null; reason: string | null }[];
}

describe("trigger control over HTTP", () => {
  let project: ReturnType<typeof triggerProject>;
  let server: TriggerServer;
  const list = async () => (await server.get<{ triggers: View[] }>("/api/trigger-sources")).body.triggers;
  const find = async (id: string) => (await list()).find((t) => t.id === id) as View;
  const runsOf = async (actor: string) =>
    (await server.get<{ runs: RunSummary[] }>(`/api/history?actor=${encodeURIComponent(actor)}`)).body.runs;

  beforeAll(async () => {
    project = triggerProject(triggers);
    writeFileSync(
      join(project.dir, "feed.json"),
      JSON.stringify([
        { id: 1, text: "Hello" },
        { id: 2, text: "Buy!", spam: true },
      ]),
    );
    server = await startTriggerServer(project.dir);
  });
  afterAll(async () => {
    await server?.close();
    project?.remove();
  });

  it("lists every attachment with its source, target, schedule and webhook URL", async () => {
    const triggers = await list();
    expect(triggers.map((t) => t.id)).toEqual(["broken:refund", "nightly:record", "nightly:refund", "tickets:record"]);
    const nightly = triggers.find((t) => t.id === "nightly:refund") as View;
    expect(nightly).toMatchObject({
      source: { slug: "nightly", kind: "cron", schedule: "0 3 * * *", timezone: "Europe/Paris" },
      target: { kind: "workflow", slug: "refund" },
      enabled: true,
      overlap: "queue",
      lastError: null,
    });
    expect(Date.parse(nightly.nextFireAt ?? "")).toBeGreaterThan(Date.now());
    expect((triggers.find((t) => t.id === "broken:refund") as View).url).toBe(`${server.url}/api/triggers/broken`);
  });

  it("polls once right after the first load: the filtered item makes no run, the state cursor moves", async () => {
    const deadline = Date.now() + 5000;
    while ((await runsOf("tickets:record")).length === 0 && Date.now() < deadline) await sleep(50);
    const runs = await runsOf("tickets:record");
    expect(runs).toHaveLength(1);
    expect(runs[0]?.trigger).toBe("Poll · tickets");
    expect(runs[0]?.triggerValue).toEqual({ id: 1, text: "Hello" });
    const tickets = await find("tickets:record");
    expect(tickets.deliveries.map((d) => d.outcome).sort()).toEqual(["filtered", "started"]);
    // A tick now finds nothing new: the cursor was committed.
    writeFileSync(
      join(project.dir, "feed.json"),
      JSON.stringify([
        { id: 1, text: "Hello" },
        { id: 3, text: "Where is my order?" },
      ]),
    );
    const { status, body } = await server.post<{ runIds: string[] }>("/api/trigger-sources/tickets/invoke");
    expect(status).toBe(202);
    expect(body.runIds).toHaveLength(1);
    expect((await server.get<{ run: { input: unknown } }>(`/api/history/${body.runIds[0]}`)).body.run.input).toEqual({
      ticket: 3,
    });
  });

  it("records a poll that throws as the last error, and moves its next tick back", async () => {
    writeFileSync(join(project.dir, "feed.json"), JSON.stringify({ fail: "feed is down" }));
    const { body } = await server.post<{ runIds: string[] }>("/api/trigger-sources/tickets/invoke");
    expect(body.runIds).toEqual([]);
    const tickets = await find("tickets:record");
    expect(tickets.lastError?.message).toContain("feed is down");
  });

  it("invokes a cron source now with its payload, or the input given", async () => {
    const { status, body } = await server.post<{ runIds: string[] }>("/api/trigger-sources/nightly/invoke", {
      workflow: "refund",
    });
    expect(status).toBe(202);
    expect(body.runIds).toHaveLength(1);
    const run = (await server.get<{ run: { input: unknown; slug: string } }>(`/api/history/${body.runIds[0]}`)).body
      .run;
    expect(run).toMatchObject({ slug: "refund", input: { orderId: "N-1" } });
    const both = await server.post<{ runIds: string[] }>("/api/trigger-sources/nightly/invoke", {
      input: { orderId: "X-9" },
    });
    expect(both.body.runIds).toHaveLength(2);
  });

  it("records a transform whose output fails the workflow's input as a failed delivery, with no run", async () => {
    const { status, body } = await server.post<{ runIds: string[]; failed: { reason: string }[] }>(
      "/api/triggers/broken",
      { id: "B-1" },
    );
    expect(status).toBe(202);
    expect(body.runIds).toEqual([]);
    expect(body.failed[0]?.reason).toContain("orderId");
    const broken = await find("broken:refund");
    expect(broken.deliveries[0]).toMatchObject({ outcome: "failed", runId: null });
    expect(broken.lastError?.message).toContain("orderId");
    expect(await runsOf("broken:refund")).toHaveLength(0);
  });

  it("answers 404 naming the known sources, and for a target no attachment has", async () => {
    const unknown = await server.post<{ error: { hint: string } }>("/api/trigger-sources/nope/invoke");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.hint).toContain("broken, nightly, tickets");
    const target = await server.post("/api/trigger-sources/nightly/disable", { agent: "support" });
    expect(target.status).toBe(404);
    const bad = await server.post<{ error: { details: { field: string } } }>("/api/trigger-sources/nightly/disable", {
      workflow: 3,
    });
    expect(bad.status).toBe(400);
  });

  it("keeps a disable across a restart, and enables again", async () => {
    const { status, body } = await server.post<{ triggers: View[] }>("/api/trigger-sources/nightly/disable", {
      workflow: "record",
    });
    expect(status).toBe(200);
    expect(body.triggers.map((t) => [t.id, t.enabled, t.nextFireAt])).toEqual([["nightly:record", false, null]]);
    const { dbPath } = server;
    await server.close();
    server = await startTriggerServer(project.dir, dbPath);
    expect((await find("nightly:record")).enabled).toBe(false);
    expect((await find("nightly:refund")).enabled).toBe(true);
    // A disabled webhook attachment starts nothing.
    await server.post("/api/trigger-sources/broken/disable");
    expect((await server.post("/api/triggers/broken", { id: "B-2" })).body).toMatchObject({ ok: true, skipped: true });
    const enabled = await server.post<{ triggers: View[] }>("/api/trigger-sources/nightly/enable");
    expect(enabled.body.triggers.map((t) => t.enabled)).toEqual([true, true]);
    expect(Date.parse(enabled.body.triggers[0]?.nextFireAt ?? "")).toBeGreaterThan(Date.now());
  });
});
