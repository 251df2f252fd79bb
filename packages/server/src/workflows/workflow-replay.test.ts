/**
 * Durable execution as a user sees it over HTTP: a changed workflow is caught at replay, retries
 * are recorded as attempts, the clock and random numbers replay, actions get a stable idempotency
 * key, and child workflows and agent steps are linked both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../projects/load-project.js";
import { startTestServer, type TestServer } from "../testing/test-server.js";
import { finished, startRun, waitForRun, workflowProjectFiles, writeProject } from "../testing/workflow-project.js";

describe("workflow replay and steps", () => {
  let server: TestServer;
  let project: ReturnType<typeof writeProject>;
  beforeAll(async () => {
    project = writeProject(workflowProjectFiles);
    server = await startTestServer({ projectDir: project.dir });
  });
  afterAll(async () => {
    await server?.close();
    project?.remove();
  });

  it("retries a flaky action: three attempts on one step, the same idempotency key each time, and success", async () => {
    const runId = await startRun(server, "retrying", { key: "retry-ok", failures: 2, attempts: 3 });
    const { run, steps } = await waitForRun(server, runId, finished);
    expect(run.status).toBe("success");
    expect(run.output).toEqual({ calls: 3, keys: Array(3).fill(`${runId}:flaky#1`) });
    expect(steps?.items.map((s) => [s.stepId, s.kind, s.status, s.attempt])).toEqual([
      ["flaky#1", "action", "success", 3],
    ]);
  });

  it("fails the run with the step's error when its retries run out", async () => {
    const runId = await startRun(server, "retrying", { key: "retry-out", failures: 5, attempts: 2 });
    const { run, steps } = await waitForRun(server, runId, finished);
    expect(run.status).toBe("failed");
    expect(run.error?.message).toBe("flaky failed on call 2");
    expect(steps?.items).toMatchObject([
      { stepId: "flaky#1", status: "failed", attempt: 2, error: { message: "flaky failed on call 2" } },
    ]);
  });

  it("lets the workflow catch a step that ran out of its workflow-wide retries, and go on", async () => {
    const runId = await startRun(server, "catching", { key: "caught" });
    const { run, steps } = await waitForRun(server, runId, finished);
    expect(run.status).toBe("success");
    expect(run.output).toEqual({ caught: "flaky failed on call 2", after: "continued" });
    expect(steps?.items.map((s) => [s.stepId, s.status, s.attempt])).toEqual([
      ["flaky#1", "failed", 2],
      ["after#1", "success", 1],
    ]);
  });

  it("returns the same ctx.now() and ctx.random() when the code replays after a sleep", async () => {
    const before = Date.now();
    const runId = await startRun(server, "replayed-values", {});
    const { run, steps } = await waitForRun(server, runId, finished);
    expect(run.status).toBe("success");
    const firstSeen = steps?.items.find((s) => s.stepId === "first-seen#1")?.output as { now: string; random: number };
    const output = run.output as { now: string; random: number; later: string };
    // The output is computed by the replay after the wake; the step's output by the first execution.
    expect({ now: output.now, random: output.random }).toEqual(firstSeen);
    expect(Date.parse(output.now)).toBeGreaterThanOrEqual(before - 5);
    expect(output.random).toBeGreaterThanOrEqual(0);
    expect(output.random).toBeLessThan(1);
    // A value read for the first time after the sleep is new.
    expect(Date.parse(output.later) - Date.parse(output.now)).toBeGreaterThanOrEqual(200);
    expect(steps?.items.map((s) => [s.stepId, s.status])).toEqual([
      ["first-seen#1", "success"],
      ["sleep#1", "success"],
    ]);
  });

  it("wakes from sleeps so short they end before the sleep is recorded", async () => {
    const runIds = await Promise.all(Array.from({ length: 5 }, () => startRun(server, "short-sleeps", { times: 3 })));
    for (const runId of runIds) {
      const { run, steps } = await waitForRun(server, runId, finished);
      expect(run).toMatchObject({ status: "success", output: { slept: 3 } });
      expect(steps?.items.map((s) => [s.stepId, s.status])).toEqual([
        ["sleep#1", "success"],
        ["sleep#2", "success"],
        ["sleep#3", "success"],
      ]);
    }
  });

  it("runs a child workflow as a step, linked both ways, and hands its output to the parent", async () => {
    const runId = await startRun(server, "parent", { n: 21 });
    const { run, steps } = await waitForRun(server, runId, finished);
    expect(run.status).toBe("success");
    expect(run.output).toEqual({ fromChild: 42 });
    const step = steps?.items[0];
    expect(step).toMatchObject({ stepId: "child#1", name: "child", kind: "workflow", status: "success" });
    expect(step?.childRunId).toMatch(/^run_/);
    expect(run.childRunIds).toEqual([step?.childRunId]);

    const child = await waitForRun(server, step?.childRunId as string, finished);
    expect(child.run).toMatchObject({
      kind: "workflow",
      slug: "child",
      status: "success",
      source: "workflow",
      parentRunId: runId,
      parentStepId: "child#1",
      input: { n: 21, fail: false },
      output: { doubled: 42 },
    });
  });

  it("fails the parent's step, and the parent, when the child fails", async () => {
    const runId = await startRun(server, "parent", { n: 7, fail: true });
    const { run, steps } = await waitForRun(server, runId, finished);
    expect(run.status).toBe("failed");
    expect(run.error?.message).toContain("child refused 7");
    const step = steps?.items[0];
    expect(step).toMatchObject({ stepId: "child#1", kind: "workflow", status: "failed" });
    expect(step?.error?.message).toContain("child refused 7");
    const child = await waitForRun(server, step?.childRunId as string, finished);
    expect(child.run).toMatchObject({ status: "failed", parentRunId: runId, error: { message: "child refused 7" } });
  });

  it("links a workflow → agent → subagent chain both ways", async () => {
    const runId = await startRun(server, "ask-support", {
      message: "Please research the warranty policy for returns in the documentation",
    });
    const { run, steps } = await waitForRun(server, runId, finished);
    expect(run.status).toBe("success");
    const step = steps?.items[0];
    expect(step).toMatchObject({ stepId: "support#1", kind: "agent", status: "success" });
    expect(run.childRunIds).toEqual([step?.childRunId]);
    expect(run.output).toEqual({ supportRunId: step?.childRunId });

    const agentRun = await waitForRun(server, step?.childRunId as string, finished);
    expect(agentRun.run).toMatchObject({
      kind: "agent",
      slug: "support",
      status: "success",
      source: "workflow",
      parentRunId: runId,
      parentStepId: "support#1",
    });
    expect(agentRun.run.childRunIds).toHaveLength(1);

    const subagent = await waitForRun(server, agentRun.run.childRunIds[0] as string, finished);
    expect(subagent.run).toMatchObject({
      kind: "agent",
      slug: "research",
      status: "success",
      parentRunId: agentRun.run.runId,
    });
    expect(subagent.run.parentToolCallId).toEqual(expect.any(String));
  });
});

describe("a workflow changed under a sleeping run", () => {
  const v1 = `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
export const order = defineWorkflow({
  slug: "order", name: "Order", description: "Charges, waits, ships",
  input: z.object({}), output: z.object({ shipped: z.boolean() }),
  async run(_input, ctx) {
    await ctx.step("charge", () => "charged");
    await ctx.sleep("400ms");
    await ctx.step("ship", () => "shipped");
    return { shipped: true };
  },
});
`;
  const v2 = v1.replace('ctx.step("charge", () => "charged")', 'ctx.step("refund", () => "refunded")');
  const base = {
    "package.json": workflowProjectFiles["package.json"] as string,
    "keystroke.config.ts": workflowProjectFiles["keystroke.config.ts"] as string,
  };
  let server: TestServer;
  let project: ReturnType<typeof writeProject>;
  beforeAll(async () => {
    project = writeProject({ ...base, "src/workflows/order.ts": v1 });
    server = await startTestServer({ projectDir: project.dir });
  });
  afterAll(async () => {
    await server?.close();
    project?.remove();
  });

  it("fails the run after the wake with a non-deterministic workflow error naming both steps", async () => {
    // The edited project is loaded beforehand (from a copy), so swapping it in takes no time.
    const edited = writeProject({ ...base, "src/workflows/order.ts": v2 });
    try {
      const changed = await loadProject(edited.dir);
      const runId = await startRun(server, "order", {});
      const sleeping = await waitForRun(server, runId, (run) => run.status === "sleeping" || finished(run));
      expect(sleeping.run.status).toBe("sleeping");
      server.server.workflows.use(changed);

      const { run, steps } = await waitForRun(server, runId, finished);
      expect(run.status).toBe("failed");
      expect(run.error?.message).toContain("Non-deterministic workflow");
      expect(run.error?.message).toContain('"charge#1"');
      expect(run.error?.message).toContain('"refund#1"');
      expect(steps?.items.map((s) => [s.stepId, s.status])).toEqual([
        ["charge#1", "success"],
        ["sleep#1", "success"],
      ]);
    } finally {
      edited.remove();
    }
  });

  it("a run started on the unchanged code succeeds (the same code replays cleanly)", async () => {
    const fresh = await loadProject(project.dir);
    server.server.workflows.use(fresh);
    const runId = await startRun(server, "order", {});
    const { run, steps } = await waitForRun(server, runId, finished);
    expect(run.status).toBe("success");
    expect(steps?.items.map((s) => s.stepId)).toEqual(["charge#1", "sleep#1", "ship#1"]);
  });
});
