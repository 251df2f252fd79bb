import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageAdded, runCreated, runFinished } from "../testing/run-events.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";

interface ErrorReply {
  error: { code: string; message: string; hint?: string; details?: { problems?: { path: string }[] } };
}
interface SessionPage {
  sessions: { runId: string; sessionId: string; status: string }[];
  nextCursor: string | null;
}

const t0 = Date.parse("2026-11-21T09:00:00.000Z");
let server: TestServer;
const runs = new Map<string, string>();

beforeAll(async () => {
  server = await startTestServer();
  const sessions = [
    { sessionId: "ses_a", slug: "support", project: "acme", status: "success" },
    { sessionId: "ses_b", slug: "support", project: "acme", status: "failed" },
    { sessionId: "ses_c", slug: "support", project: "globex", status: "success" },
    { sessionId: "ses_a", slug: "billing", project: "acme", status: "success" },
  ] as const;
  for (const [i, s] of sessions.entries()) {
    const at = t0 + i * 60_000;
    const { runId, event } = runCreated({ at, slug: s.slug, project: s.project, sessionId: s.sessionId });
    await server.ingest(runId, [event, messageAdded(0, `hello from ${s.slug}`, at + 1), runFinished(s.status, at + 2)]);
    runs.set(`${s.slug}/${s.sessionId}`, runId);
  }
  const workflow = runCreated({ at: t0, kind: "workflow", slug: "support" });
  await server.ingest(workflow.runId, [workflow.event]);
});
afterAll(async () => {
  await server.close();
});

describe("GET /api/agents/:slug/sessions", () => {
  it("lists the agent's sessions newest first, and no other agent's or workflow's runs", async () => {
    const { status, body } = await server.get<SessionPage>("/api/agents/support/sessions");
    expect(status).toBe(200);
    expect(body.sessions.map((s) => s.sessionId)).toEqual(["ses_c", "ses_b", "ses_a"]);
    expect(body.sessions.map((s) => s.runId)).not.toContain(runs.get("billing/ses_a"));
    expect(body.nextCursor).toBeNull();
  });

  it("filters by status and project, and pages", async () => {
    const failed = await server.get<SessionPage>("/api/agents/support/sessions?status=failed");
    expect(failed.body.sessions.map((s) => s.sessionId)).toEqual(["ses_b"]);
    const acme = await server.get<SessionPage>("/api/agents/support/sessions?project=acme");
    expect(acme.body.sessions.map((s) => s.sessionId)).toEqual(["ses_b", "ses_a"]);
    const first = await server.get<SessionPage>("/api/agents/support/sessions?limit=2");
    expect(first.body.sessions).toHaveLength(2);
    const next = await server.get<SessionPage>(
      `/api/agents/support/sessions?limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? "")}`,
    );
    expect(next.body.sessions.map((s) => s.sessionId)).toEqual(["ses_a"]);
  });

  it("answers 400 for a History filter that sessions do not take", async () => {
    const { status, body } = await server.get<ErrorReply>("/api/agents/support/sessions?kind=workflow");
    expect(status).toBe(400);
    expect(body.error.message).toContain("kind");
    expect(body.error.hint).toContain("/api/history");
  });
});

describe("GET /api/agents/:slug/sessions/:sessionId", () => {
  it("answers the session's run with its messages", async () => {
    const { status, body } = await server.get<{
      run: { runId: string; slug: string };
      messages: { items: { parts: { text: string }[] }[] };
    }>("/api/agents/billing/sessions/ses_a?include=messages");
    expect(status).toBe(200);
    expect(body.run).toMatchObject({ runId: runs.get("billing/ses_a"), slug: "billing" });
    expect(body.messages.items.map((m) => m.parts[0]?.text)).toEqual(["hello from billing"]);
  });

  it("answers 404 with a hint naming the agent for a session it does not hold", async () => {
    const { status, body } = await server.get<ErrorReply>("/api/agents/support/sessions/ses_zzz");
    expect(status).toBe(404);
    expect(body.error.code).toBe("not_found");
    expect(body.error.message).toContain("ses_zzz");
    expect(body.error.hint).toBe("List sessions with `keystroke agents sessions list support`");
  });

  it("narrows to one project with ?project=", async () => {
    const other = await server.get("/api/agents/support/sessions/ses_c?project=acme");
    expect(other.status).toBe(404);
    const right = await server.get<{ run: { runId: string } }>("/api/agents/support/sessions/ses_c?project=globex");
    expect(right.body.run.runId).toBe(runs.get("support/ses_c"));
  });
});
