import { fileURLToPath } from "node:url";
import type { RunDetail, StoredStep } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/test-server.js";

const starter = fileURLToPath(new URL("../../../../examples/starter", import.meta.url));

interface Detail {
  run: RunDetail;
  steps?: { items: StoredStep[] };
}

async function until(server: TestServer, runId: string, done: (run: RunDetail) => boolean): Promise<Detail> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { body } = await server.get<Detail>(`/api/history/${runId}?include=steps`);
    if (done(body.run) || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("workflows over HTTP (the starter's refund-review, demo models)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ projectDir: starter });
  });
  afterAll(() => server?.close());

  it("lists the project's workflows with their input schema", async () => {
    const { status, body } = await server.get<{ workflows: { slug: string; input: { properties: object } }[] }>(
      "/api/workflows",
    );
    expect(status).toBe(200);
    expect(body.workflows.map((w) => w.slug)).toEqual(["refund-review"]);
    expect(Object.keys(body.workflows[0]?.input.properties ?? {})).toContain("orderId");
  });

  it("refuses input that fails the schema, naming the field, and records no run", async () => {
    const before = await server.get<{ runs: unknown[] }>("/api/history?kind=workflow&source=api");
    const { status, body } = await server.post<{ error: { code: string; message: string } }>(
      "/api/workflows/refund-review/runs",
      { input: { orderId: "A-1001" } },
    );
    expect(status).toBe(400);
    expect(body.error.message).toContain("reason");
    const deep = `${"[".repeat(6000)}1${"]".repeat(6000)}`;
    const nested = await fetch(`${server.url}/api/workflows/refund-review/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"input":{"orderId":"A-1001","reason":"late","extra":${deep}}}`,
    });
    expect(nested.status).toBe(400);
    expect(((await nested.json()) as { error: { message: string } }).error.message).toMatch(
      /^Invalid input\.extra\[0\].*nested deeper than 64 levels/,
    );
    const after = await server.get<{ runs: unknown[] }>("/api/history?kind=workflow&source=api");
    expect(after.body.runs.length).toBe(before.body.runs.length);
  });

  it("runs every kind of step to success, linking the agent run both ways", async () => {
    const { status, body } = await server.post<{ runId: string }>("/api/workflows/refund-review/runs", {
      input: { orderId: "A-1003", reason: "The box arrived damaged", coolOff: "200ms" },
    });
    expect(status).toBe(202);
    const detail = await until(server, body.runId, (run) => run.status === "success" || run.status === "failed");
    expect(detail.run.status).toBe("success");
    expect(detail.run.output).toMatchObject({ orderId: "A-1003", approved: true, approvedBy: "policy" });
    const steps = detail.steps?.items ?? [];
    expect(steps.map((s) => [s.name, s.kind, s.status])).toEqual([
      ["lookup-order", "action", "success"],
      ["promptLlm", "llm", "success"],
      ["support", "agent", "success"],
      ["sleep", "sleep", "success"],
    ]);
    expect(detail.run.stepCount).toBe(4);
    expect(detail.run.models).toContain("demo/research");
    const agentStep = steps.find((s) => s.kind === "agent");
    expect(detail.run.childRunIds).toEqual([agentStep?.childRunId]);
    const child = await server.get<Detail>(`/api/history/${agentStep?.childRunId}`);
    expect(child.body.run).toMatchObject({
      kind: "agent",
      source: "workflow",
      parentRunId: body.runId,
      parentStepId: "support#1",
    });
  });

  it("sleeps, waits on a hook, and resumes with the posted body; a used token gets 409", async () => {
    const { body } = await server.post<{ runId: string }>("/api/workflows/refund-review/runs", {
      input: { orderId: "A-1001", reason: "Late", approval: "manager", coolOff: "300ms" },
    });
    const sleeping = await until(server, body.runId, (run) => run.status === "sleeping");
    expect(sleeping.run.wait).toMatchObject({ kind: "sleep", stepId: "sleep#1" });
    const waiting = await until(server, body.runId, (run) => run.status === "waiting_on_hook");
    expect(waiting.run.wait?.kind).toBe("hook");
    const url = (waiting.run.wait as { resumeUrl: string }).resumeUrl;
    expect(url).toMatch(/\/api\/hooks\/[A-Za-z0-9_-]{43}$/);
    const path = new URL(url).pathname;

    const bad = await server.post<{ error: { message: string } }>(path, { approved: "yes" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("approved");
    expect((await server.get<Detail>(`/api/history/${body.runId}`)).body.run.status).toBe("waiting_on_hook");

    const ok = await server.post<{ runId: string }>(path, { approved: false, by: "Ada" });
    expect(ok.status).toBe(200);
    const done = await until(server, body.runId, (run) => run.status === "success");
    expect(done.run.output).toMatchObject({ approved: false, approvedBy: "Ada" });
    expect((await server.post(path, { approved: true })).status).toBe(409);
    expect((await server.post(`/api/hooks/${"x".repeat(43)}`, {})).status).toBe(404);
  });

  it("cancels a sleeping run", async () => {
    const { body } = await server.post<{ runId: string }>("/api/workflows/refund-review/runs", {
      input: { orderId: "A-1002", reason: "Changed my mind", coolOff: "1h" },
    });
    await until(server, body.runId, (run) => run.status === "sleeping");
    const canceled = await server.post<{ status: string }>(`/api/runs/${body.runId}/cancel`, {});
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe("canceled");
    const detail = await until(server, body.runId, (run) => run.status === "canceled");
    expect(detail.steps?.items.at(-1)).toMatchObject({ kind: "sleep", status: "canceled" });
  });
});
