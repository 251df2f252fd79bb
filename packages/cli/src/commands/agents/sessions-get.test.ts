import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../../server/src/testing/test-server.js";
import type { FullRun } from "../../runs/read-full-run.js";
import type { SessionSummary } from "../../runs/session-summary.js";
import { assertBuilt, runCli, runCliJson } from "../../testing/run-cli.js";
import { long, type SeededHistory, seedHistory } from "../../testing/seed-runs.js";

describe("keystroke agents sessions get", () => {
  let server: TestServer;
  let seeded: SeededHistory;
  const args = (...rest: string[]) => ["agents", "sessions", "get", "--url", server.url, ...rest];
  const get = async <T = FullRun>(...rest: string[]) => (await runCliJson<T>(args(...rest))).json;

  beforeAll(async () => {
    assertBuilt();
    server = await startTestServer();
    seeded = await seedHistory(server.client);
  });
  afterAll(() => server?.close());

  it("prints the session's run", async () => {
    const run = await get("support", "ses_answered");
    expect(run).toMatchObject({ runId: seeded.answered.runId, sessionId: "ses_answered", status: "success" });
    expect(run).not.toHaveProperty("messages");
  });

  it("adds messages and trace (all pages) with --include", async () => {
    const run = await get("support", "ses_long", "--include", "messages,trace");
    expect(run.messages).toHaveLength(long.messages);
    expect(run.trace?.spans).toHaveLength(long.spans);
    expect(run.trace?.logs).toHaveLength(long.logs);
  });

  it("summarizes a session with --summary", async () => {
    const summary = await get<SessionSummary>("support", "ses_answered", "--summary");
    expect(Object.keys(summary).sort()).toEqual(
      [
        "runId",
        "sessionId",
        "agent",
        "status",
        "startedAt",
        "durationMs",
        "messageCount",
        "totalCost",
        "models",
        "lastAssistantText",
        "error",
      ].sort(),
    );
    expect(summary).toMatchObject({
      runId: seeded.answered.runId,
      sessionId: "ses_answered",
      agent: "support",
      status: "success",
      messageCount: 3,
      models: ["anthropic/claude-sonnet-4.6"],
      lastAssistantText: "Order #1234 shipped on Wednesday and arrives on Friday.",
      error: null,
    });
    expect(summary.durationMs).toBeGreaterThan(0);
    expect(summary.totalCost).toBeCloseTo(0.00751, 10);
  });

  it("summarizes a failed session with its error", async () => {
    const summary = await get<SessionSummary>("support", "ses_failed", "--summary");
    expect(summary).toMatchObject({
      status: "failed",
      lastAssistantText: null,
      error: "ToolError: Tool lookup_order failed: orders-api did not answer within 10s",
    });
  });

  it.each([
    [["--field", "status"], "success"],
    [["--field", "sessionId"], "ses_answered"],
    [["--field", "tokens.input"], "1762"],
    [["--field", "models"], '[\n  "anthropic/claude-sonnet-4.6"\n]'],
    [["--field", "error"], "null"],
    [["--field", "messages.0.role"], "user"],
    [["--field", "messages[1].parts[1].name"], "lookup_order"],
    [["--field", "trace.logs.1.message"], "session done"],
    [["--field", "status", "--json"], '"success"'],
  ])("prints one field with %j", async (flags, expected) => {
    const result = await runCli(args("support", "ses_answered", ...flags));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${expected}\n`);
  });

  it("fails on an unknown field, naming the path", async () => {
    const result = await runCli(args("support", "ses_answered", "--field", "tokens.nope"));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain('Error: Unknown field "tokens.nope": "tokens" has no "nope"');
    const top = await runCli(args("support", "ses_answered", "--field", "colour"));
    expect(top.code).toBe(1);
    expect(top.stderr).toContain('Error: Unknown field "colour"');
    expect(top.stderr).toMatch(/Hint: Fields: runId, kind, /);
  });

  it("refuses --summary together with --field", async () => {
    const result = await runCli(args("support", "ses_answered", "--summary", "--field", "status"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Error: Invalid --summary: use --summary alone");
  });

  it("fails on --include steps, which sessions do not have", async () => {
    const result = await runCli(args("support", "ses_answered", "--include", "steps"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Invalid --include "steps"');
  });

  it("fails on an unknown session with the server's error and hint", async () => {
    const result = await runCli(args("support", "ses_nobody"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Error: No session ses_nobody of agent support");
    expect(result.stderr).toContain("Hint: List sessions with `keystroke agents sessions list support`");
  });
});
