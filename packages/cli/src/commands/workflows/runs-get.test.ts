import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../../server/src/testing/test-server.js";
import type { FullRun } from "../../runs/read-full-run.js";
import type { WorkflowRunSummary } from "../../runs/workflow-summary.js";
import { assertBuilt, runCli, runCliJson } from "../../testing/run-cli.js";
import { type SeededWorkflowRuns, seedWorkflowRuns } from "../../testing/seed-workflow-runs.js";

describe("keystroke workflows runs get", () => {
  let server: TestServer;
  let seeded: SeededWorkflowRuns;
  const args = (...rest: string[]) => ["workflows", "runs", "get", "--url", server.url, ...rest];
  const get = async <T = FullRun>(...rest: string[]) => (await runCliJson<T>(args(...rest))).json;

  beforeAll(async () => {
    assertBuilt();
    server = await startTestServer();
    seeded = await seedWorkflowRuns(server.client);
  });
  afterAll(() => server?.close());

  it("prints the run, the same as history get", async () => {
    const run = await get("fulfil-order", seeded.succeeded);
    expect(run).toMatchObject({
      runId: seeded.succeeded,
      kind: "workflow",
      status: "success",
      output: { shipped: true, trackingId: "TRK-1" },
      wait: null,
    });
    expect(run).not.toHaveProperty("steps");
    const history = await runCliJson(["history", "get", "--url", server.url, seeded.succeeded]);
    expect(run).toEqual(history.json);
  });

  it("adds the steps with their kind, attempt and child run, and the trace, with --include", async () => {
    const run = await get("fulfil-order", seeded.succeeded, "--include", "trigger,steps,trace");
    expect(run.steps?.map((s) => [s.name, s.kind, s.status, s.attempt])).toEqual([
      ["lookup-order", "action", "success", 1],
      ["charge-card", "action", "success", 2],
      ["notify-customer", "agent", "success", 1],
    ]);
    expect(run.steps?.[2]?.childRunId).toBe(seeded.childRunId);
    expect(run.trace).toEqual({ spans: [], logs: [] });
    expect(run).toMatchObject({ source: "api", trigger: "API", triggerValue: "POST /api/workflows/fulfil-order/runs" });
  });

  it("summarizes a run with --summary: steps with attempts, the output", async () => {
    const summary = await get<WorkflowRunSummary>("fulfil-order", seeded.succeeded, "--summary");
    expect(Object.keys(summary).sort()).toEqual(
      ["runId", "workflow", "status", "startedAt", "durationMs", "steps", "wait", "output", "error"].sort(),
    );
    expect(summary).toMatchObject({
      runId: seeded.succeeded,
      workflow: "fulfil-order",
      status: "success",
      wait: null,
      output: { shipped: true, trackingId: "TRK-1" },
      error: null,
    });
    expect(summary.durationMs).toBeGreaterThan(0);
    expect(summary.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
      ["lookup-order", "success", 1],
      ["charge-card", "success", 2],
      ["notify-customer", "success", 1],
    ]);
    expect(summary.steps[0]?.durationMs).toBe(120);
  });

  it("summarizes a failed run with its error and the step that failed", async () => {
    const summary = await get<WorkflowRunSummary>("fulfil-order", seeded.failed, "--summary");
    expect(summary).toMatchObject({ status: "failed", output: null, error: "CardError: card declined" });
    expect(summary.steps.at(-1)).toMatchObject({
      name: "charge-card",
      status: "failed",
      attempts: 3,
      error: "card declined",
    });
  });

  it("shows what a sleeping or waiting run waits for", async () => {
    const sleeping = await get<WorkflowRunSummary>("fulfil-order", seeded.sleeping, "--summary");
    expect(sleeping).toMatchObject({
      status: "sleeping",
      wait: { kind: "sleep", stepId: "wait-for-stock", until: seeded.sleepUntil },
    });
    expect(sleeping.steps.at(-1)).toMatchObject({ name: "wait-for-stock", kind: "sleep", status: "running" });
    const waiting = await get<WorkflowRunSummary>("fulfil-order", seeded.waiting, "--summary");
    expect(waiting).toMatchObject({
      status: "waiting_on_hook",
      wait: { kind: "hook", stepId: "approval", expiresAt: seeded.hookExpiresAt },
    });
  });

  it.each([
    [["--field", "status"], "success"],
    [["--field", "output.trackingId"], "TRK-1"],
    [["--field", "output"], '{\n  "shipped": true,\n  "trackingId": "TRK-1"\n}'],
    [["--field", "steps.1.attempt"], "2"],
    [["--field", "steps[0].output.status"], "paid"],
    [["--field", "wait"], "null"],
  ])("prints one field with %j", async (flags, expected) => {
    const result = await runCli(args("fulfil-order", seeded.succeeded, ...flags));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${expected}\n`);
  });

  it("fails on a run of another workflow with the server's not_found", async () => {
    const result = await runCli(args("fulfil-order", seeded.other));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^Error: .*\bnot\b.*|^Error: No /m);
    expect(result.stderr).toContain(seeded.other);
  });

  it("refuses --summary with --include, and an unknown part", async () => {
    const both = await runCli(args("fulfil-order", seeded.succeeded, "--summary", "--include", "steps"));
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("Error: Invalid --summary: use --summary alone");
    const unknown = await runCli(args("fulfil-order", seeded.succeeded, "--include", "workflows"));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Invalid --include "workflows"');
  });
});
