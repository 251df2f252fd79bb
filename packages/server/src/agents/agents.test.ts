import { fileURLToPath } from "node:url";
import type { StoredMessage } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/test-server.js";

const starter = fileURLToPath(new URL("../../../../examples/starter", import.meta.url));

interface PromptReply {
  sessionId: string;
  runId: string;
  status: string;
  messages: StoredMessage[];
  error?: { message: string };
}

describe("agents over HTTP (the starter project, demo models)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ projectDir: starter });
  });
  afterAll(() => server?.close());

  it("lists the project's agents with their tools", async () => {
    const { status, body } = await server.get<{
      project: string;
      agents: { slug: string; tools: { slug: string; kind: string }[] }[];
    }>("/api/agents");
    expect(status).toBe(200);
    expect(body.project).toBe("starter");
    expect(body.agents.map((a) => a.slug)).toEqual(["research", "support"]);
    expect(body.agents[1]?.tools).toContainEqual({ slug: "research", name: "Research", kind: "agent" });
  });

  it("prompts an agent and answers with the recorded turn; History shows the run at once", async () => {
    const { status, body } = await server.post<PromptReply>("/api/agents/support/prompt", {
      message: "Where is my order A-1001? Look up the order.",
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: "success",
      sessionId: expect.stringMatching(/^ses_/),
      runId: expect.stringMatching(/^run_/),
    });
    expect(body.messages.map((m) => m.role)).toEqual(["user", "assistant", "assistant"]);
    const history = await server.get<{
      runs: { runId: string; source: string; trigger: string; services: string[] }[];
    }>("/api/history?kind=agent");
    expect(history.body.runs.find((r) => r.runId === body.runId)).toMatchObject({
      source: "api",
      trigger: "API prompt",
      services: ["orders-db"],
    });
  });

  it("continues a session with its sessionId on the same run", async () => {
    const first = await server.post<PromptReply>("/api/agents/support/prompt", { message: "Hello" });
    const second = await server.post<PromptReply>("/api/agents/support/prompt", {
      message: "Still there?",
      sessionId: first.body.sessionId,
    });
    expect(second.body.runId).toBe(first.body.runId);
    const session = await server.get<{ run: { messageCount: number } }>(
      `/api/agents/support/sessions/${first.body.sessionId}`,
    );
    expect(session.body.run.messageCount).toBe(4);
  });

  it("streams the session's events, the subagent's included, then the result, when asked for SSE", async () => {
    const response = await fetch(`${server.url}/api/agents/support/prompt`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ message: "Can you research the product warranty policy?" }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    const frames = text.split("\n\n").filter((f) => f.startsWith("event:"));
    const events = frames.map((f) => ({
      type: /^event: (.+)$/m.exec(f)?.[1],
      data: JSON.parse(/^data: (.+)$/m.exec(f)?.[1] ?? "null"),
    }));
    const result = events.at(-1);
    expect(result?.type).toBe("result");
    const runIds = new Set(events.filter((e) => e.type !== "result").map((e) => e.data.runId));
    expect(runIds.size).toBe(2);
    expect(events.filter((e) => e.type === "run.created").map((e) => e.data.slug)).toEqual(["support", "research"]);
    expect(events.findIndex((e) => e.type === "run.finished" && e.data.runId === result?.data.runId)).toBeGreaterThan(
      0,
    );
  });

  it("answers 404 naming the known agents for an unknown slug", async () => {
    const { status, body } = await server.post<{ error: { code: string; hint: string } }>("/api/agents/nobody/prompt", {
      message: "hi",
    });
    expect(status).toBe(404);
    expect(body.error.hint).toBe("Known agents: research, support");
  });

  it.each([[{ message: "" }], [{ message: "   " }], [{}], [{ message: 42 }]])(
    "answers 400 naming message for %j",
    async (payload) => {
      const { status, body } = await server.post<{
        error: { message: string; details: { problems: { path: string }[] } };
      }>("/api/agents/support/prompt", payload);
      expect(status).toBe(400);
      expect(body.error.details.problems[0]?.path).toBe("message");
    },
  );

  it("records a failing model as a failed session with the error, answered, not thrown", async () => {
    const { status, body } = await server.post<PromptReply>("/api/agents/support/prompt", {
      message: "Please simulate an outage",
    });
    expect(status).toBe(200);
    expect(body.status).toBe("failed");
    const run = await server.get<{ run: { status: string; error: { message: string } } }>(`/api/history/${body.runId}`);
    expect(run.body.run).toMatchObject({
      status: "failed",
      error: { message: expect.stringContaining("simulated provider outage") },
    });
  });

  it("refuses to cancel a finished run with 409, and an unknown one with 404", async () => {
    const done = await server.post<PromptReply>("/api/agents/support/prompt", { message: "Hi" });
    const finished = await server.post<{ error: { code: string } }>(`/api/runs/${done.body.runId}/cancel`, {});
    expect(finished.status).toBe(409);
    const unknown = await server.post<{ error: { code: string } }>(
      "/api/runs/run_01M8HX9Z169T2C20EYKPCHPJPS/cancel",
      {},
    );
    expect(unknown.status).toBe(404);
  });
});
