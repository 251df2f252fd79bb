import type { RunSummary } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../../server/src/testing/test-server.js";
import { assertBuilt, runCli, runCliJson } from "../../testing/run-cli.js";
import { type SeededHistory, seedHistory } from "../../testing/seed-runs.js";

interface RunList {
  runs: RunSummary[];
  nextCursor: string | null;
}

describe("keystroke history list", () => {
  let server: TestServer;
  let seeded: SeededHistory;
  const list = async (...args: string[]) =>
    (await runCliJson<RunList>(["history", "list", "--url", server.url, ...args])).json;
  const ids = async (...args: string[]) => (await list(...args)).runs.map((r) => r.runId);

  beforeAll(async () => {
    assertBuilt();
    server = await startTestServer();
    seeded = await seedHistory(server.client);
  });
  afterAll(() => server?.close());

  it("prints { runs, nextCursor } with History rows, newest first", async () => {
    const page = await list();
    expect(Object.keys(page).sort()).toEqual(["nextCursor", "runs"]);
    expect(page.nextCursor).toBeNull();
    expect(page.runs.map((r) => r.runId)).toEqual([
      seeded.nightly.runId,
      seeded.failed.runId,
      seeded.answered.runId,
      seeded.long.runId,
      seeded.triage.runId,
    ]);
    const answered = page.runs.find((r) => r.runId === seeded.answered.runId);
    expect(answered).toMatchObject({
      kind: "agent",
      slug: "support",
      name: "Support agent",
      status: "success",
      project: "acme",
      sessionId: "ses_answered",
      source: "cli",
      trigger: "CLI prompt",
      actor: { type: "user", id: "user_ada" },
      models: ["anthropic/claude-sonnet-4.6"],
      services: ["orders-api"],
      messageCount: 3,
      stepCount: 2,
      tokens: { input: 1762, output: 105, cacheRead: 800, reasoning: 20 },
    });
    expect(answered?.totalCost).toBeCloseTo(0.00751, 10);
    expect(answered?.durationMs).toBeGreaterThan(0);
    expect(page.runs.find((r) => r.runId === seeded.failed.runId)?.errorSummary).toBe(
      "ToolError: Tool lookup_order failed: orders-api did not answer within 10s",
    );
  });

  const filterCases: [string[], (keyof SeededHistory)[]][] = [
    [["--kind", "workflow"], ["nightly"]],
    [["--status", "failed"], ["failed"]],
    [["--status", "failed,running", "--kind", "agent"], ["failed"]],
    [
      ["--status", "running", "--status", "failed"],
      ["nightly", "failed"],
    ],
    [["--project", "ops"], ["triage"]],
    [["--source", "gateway"], ["triage"]],
    [["--trigger", "Schedule"], ["nightly"]],
    [
      ["--actor", "user_ada"],
      ["failed", "answered"],
    ],
    [["--model", "openai/gpt-5"], ["triage"]],
    [
      ["--service", "orders-api"],
      ["failed", "answered"],
    ],
    [
      ["--slug", "triage,nightly-report"],
      ["nightly", "triage"],
    ],
    [["--search", "on-call"], ["triage"]],
    [["--since", "24h", "--slug", "triage"], []],
    [["--since", "4d", "--slug", "triage"], ["triage"]],
  ];

  it.each(filterCases)("filters with %j", async (flags, expected) => {
    expect(await ids(...flags)).toEqual(expected.map((name) => seeded[name].runId));
  });

  it("pages with --limit and --cursor until nextCursor is null", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: RunList = await list("--limit", "2", ...(cursor === null ? [] : ["--cursor", cursor]));
      expect(page.runs.length).toBeLessThanOrEqual(2);
      seen.push(...page.runs.map((r) => r.runId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(await ids());
  });

  it.each([
    [["--status", "nope"], 'Invalid --status "nope"', "expected one of"],
    [["--kind", "robot"], 'Invalid --kind "robot"', "agent"],
    [["--source", "email"], 'Invalid --source "email"', "gateway"],
    [["--limit", "0"], 'Invalid --limit "0"', "expected an integer from 1 to 1000"],
    [["--limit", "ten"], 'Invalid --limit "ten"', "expected an integer from 1 to 1000"],
    [["--since", "yesterday"], 'Invalid --since "yesterday"', "24h"],
    [["--cursor", "not-a-cursor"], "Invalid cursor", "nextCursor"],
  ])("fails on %j with exit 1 and a message naming the flag", async (flags, message, expected) => {
    const result = await runCli(["history", "list", "--url", server.url, ...flags]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toContain(`Error: ${message}`);
    expect(result.stderr).toContain(expected);
    expect(lines[1]).toMatch(/^Hint: /);
  });

  it("adds the error body as JSON on the last stderr line with --json", async () => {
    const result = await runCli(["history", "list", "--url", server.url, "--json", "--status", "nope"]);
    expect(result.code).toBe(1);
    const last = result.stderr.trim().split("\n").at(-1) ?? "";
    expect(JSON.parse(last)).toMatchObject({
      error: { code: "invalid_input", details: { problems: [{ path: "--status" }] } },
    });
  });

  it("fails on an unknown flag", async () => {
    const result = await runCli(["history", "list", "--url", server.url, "--colour", "red"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: unknown option '--colour'/);
  });
});
