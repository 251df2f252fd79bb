import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../../server/src/testing/test-server.js";
import type { FullRun } from "../../runs/read-full-run.js";
import { assertBuilt, runCli, runCliJson } from "../../testing/run-cli.js";
import { long, type SeededHistory, seedHistory } from "../../testing/seed-runs.js";

describe("keystroke history get", () => {
  let server: TestServer;
  let seeded: SeededHistory;
  const get = async (...args: string[]) =>
    (await runCliJson<FullRun>(["history", "get", "--url", server.url, ...args])).json;

  beforeAll(async () => {
    assertBuilt();
    server = await startTestServer();
    seeded = await seedHistory(server.client);
  });
  afterAll(() => server?.close());

  it("prints the run detail", async () => {
    const run = await get(seeded.answered.runId);
    expect(run).toMatchObject({
      runId: seeded.answered.runId,
      status: "success",
      input: { message: "Where is my order #1234?" },
      output: { text: "Order #1234 shipped on Wednesday and arrives on Friday." },
      error: null,
      childRunIds: [],
    });
    expect(run).not.toHaveProperty("messages");
    expect(run).not.toHaveProperty("trace");
  });

  it("adds the conversation and the trace with --include messages,trace", async () => {
    const run = await get(seeded.answered.runId, "--include", "messages,trace");
    expect(run.messages?.map((m) => [m.index, m.role, m.parts.map((p) => p.type)])).toEqual([
      [0, "user", ["text"]],
      [1, "assistant", ["thought", "tool_call", "tool_result"]],
      [2, "assistant", ["text"]],
    ]);
    expect(run.messages?.[1]?.parts[1]).toEqual({
      type: "tool_call",
      id: "call_1",
      name: "lookup_order",
      arguments: { orderId: "1234" },
    });
    expect(run.trace?.spans.map((s) => s.name).sort()).toEqual([
      "chat claude-sonnet-4.6",
      "execute_tool lookup_order",
      "invoke_agent support",
    ]);
    expect(run.trace?.logs.map((l) => l.message)).toEqual(["lookup_order answered in 300ms", "session done"]);
  });

  it("follows every page of a long run, silently when stderr is not a terminal", async () => {
    const { json: run, stderr } = await runCliJson<FullRun>([
      "history",
      "get",
      "--url",
      server.url,
      seeded.long.runId,
      "--include",
      "messages,trace",
    ]);
    expect(stderr).toBe("");
    expect(run.messages).toHaveLength(long.messages);
    expect(run.messages?.map((m) => m.index)).toEqual([...Array(long.messages).keys()]);
    expect(run.trace?.spans).toHaveLength(long.spans);
    expect(new Set(run.trace?.spans.map((s) => s.spanId)).size).toBe(long.spans);
    expect(run.trace?.logs.map((l) => l.message)).toEqual(Array.from({ length: long.logs }, (_, i) => `log ${i}`));
  });

  it("adds workflow steps with --include steps", async () => {
    const run = await get(seeded.nightly.runId, "--include", "steps");
    expect(run.steps?.map((s) => [s.stepId, s.status])).toEqual([
      ["collect", "success"],
      ["summarize", "running"],
    ]);
  });

  it("fails on an unknown run with exit 1, the server's message and a hint", async () => {
    const runId = "run_01JDZZZZZZZZZZZZZZZZZZZZZZ";
    const result = await runCli(["history", "get", "--url", server.url, runId]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(new RegExp(`^Error: .*${runId}`));
    expect(result.stderr).toMatch(/\nHint: .*keystroke history list/);
  });

  it("fails on an unknown --include part", async () => {
    const result = await runCli(["history", "get", "--url", server.url, seeded.answered.runId, "--include", "spans"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'Error: Invalid --include "spans": expected a comma-separated list of messages, trace, steps',
    );
  });

  it("fails without a run id", async () => {
    const result = await runCli(["history", "get", "--url", server.url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: missing required argument 'run-id'/);
  });
});
