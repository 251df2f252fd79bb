import type { RunSummary } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FullRun } from "../../runs/read-full-run.js";
import type { SessionSummary } from "../../runs/session-summary.js";
import type { WorkflowRunSummary } from "../../runs/workflow-summary.js";
import { hasScript, onTerminal, visibleText } from "../../testing/on-terminal.js";
import { assertBuilt, runCli, runCliJson } from "../../testing/run-cli.js";
import { startTriggerServer, type TriggerServer, waitForRun } from "../../testing/trigger-project.js";

describe("keystroke triggers runs get", () => {
  let server: TriggerServer;
  let workflowRun: string;
  let agentRun: string;
  let otherRun: string;
  const args = (...rest: string[]) => ["triggers", "runs", "get", "--url", server.url, ...rest];
  const get = async <T = FullRun & { childRuns?: RunSummary[] }>(...rest: string[]) =>
    (await runCliJson<T>(args(...rest))).json;

  beforeAll(async () => {
    assertBuilt();
    server = await startTriggerServer();
    const orders = await server.client.invokeTrigger("new-orders", { input: { orderId: "A-9" } });
    const cron = await server.client.invokeTrigger("weekday-report");
    const runs = await Promise.all(orders.runIds.map((id) => server.client.getRun(id)));
    workflowRun = runs.find((v) => v.run.kind === "workflow")?.run.runId ?? "";
    agentRun = runs.find((v) => v.run.kind === "agent")?.run.runId ?? "";
    otherRun = cron.runIds[0] ?? "";
    await Promise.all([workflowRun, agentRun, otherRun].map((id) => waitForRun(server.client, id)));
  });
  afterAll(() => server?.close());

  it("prints the run the source started, the same as history get", async () => {
    const run = await get("new-orders", workflowRun, "--workflow", "fulfil-order");
    expect(run).toMatchObject({
      runId: workflowRun,
      status: "success",
      source: "trigger",
      trigger: "Webhook · /orders",
      actor: { type: "trigger", id: "new-orders:fulfil-order" },
      output: { shipped: "A-9" },
    });
    const history = await runCliJson(["history", "get", "--url", server.url, workflowRun]);
    expect(run).toEqual(history.json);
  });

  it("adds the steps and the runs it started with --include workflows, and the trace", async () => {
    const run = await get("new-orders", workflowRun, "--include", "workflows,trace");
    expect(run.steps?.map((s) => [s.kind, s.status])).toEqual([
      ["step", "success"],
      ["agent", "success"],
    ]);
    expect(run.childRuns?.map((r) => [r.kind, r.slug, r.status])).toEqual([["agent", "support", "success"]]);
    expect(run.childRuns?.[0]?.runId).toBe(run.steps?.[1]?.childRunId);
    expect(run.trace).toMatchObject({ spans: expect.any(Array), logs: expect.any(Array) });
  });

  it("summarizes a workflow run and an agent session with --summary", async () => {
    const flow = await get<WorkflowRunSummary>("new-orders", workflowRun, "--summary");
    expect(flow).toMatchObject({
      workflow: "fulfil-order",
      status: "success",
      output: { shipped: "A-9" },
      error: null,
    });
    expect(flow.steps.map((s) => s.name)[0]).toBe("ship");
    const session = await get<SessionSummary>("new-orders", agentRun, "--summary", "--agent", "support");
    expect(session).toMatchObject({ runId: agentRun, agent: "support", status: "success", error: null });
    expect(session.messageCount).toBeGreaterThanOrEqual(2);
  });

  it.skipIf(!hasScript)("shows the run with where it came from on a terminal", async () => {
    const { code, screen } = await onTerminal(args("new-orders", workflowRun, "--include", "workflows"));
    expect(code).toBe(0);
    const text = visibleText(screen);
    expect(text).toMatch(/Trigger:\s+Webhook · \/orders/);
    expect(text).toMatch(/Actor:\s+New orders \(trigger new-orders:fulfil-order\)/);
    expect(text).toMatch(/Runs it started:\s*\nRun ID\s+Name\s+Type/);
    expect(text).toMatch(/\nrun_\S+\s+Support\s+Agent\s/);
  });

  it("fails on a run of another attachment or another source", async () => {
    const wrongTarget = await runCli(args("new-orders", agentRun, "--workflow", "fulfil-order"));
    expect(wrongTarget.code).toBe(1);
    expect(wrongTarget.stderr).toContain(
      `Error: Run ${agentRun} of trigger new-orders is not a run of workflow fulfil-order\nHint: It is a run of agent support`,
    );
    const otherSource = await runCli(args("new-orders", otherRun));
    expect(otherSource.code).toBe(1);
    expect(otherSource.stdout).toBe("");
    expect(otherSource.stderr).toContain(otherRun);
  });

  it("refuses --summary with --include, and an unknown part", async () => {
    const both = await runCli(args("new-orders", workflowRun, "--summary", "--include", "steps"));
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("Error: Invalid --summary: use --summary alone");
    const unknown = await runCli(args("new-orders", workflowRun, "--include", "spans"));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("expected a comma-separated list of workflows, trace, steps, messages");
  });
});
