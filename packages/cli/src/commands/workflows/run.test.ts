import type { RunSummary } from "@keystroke/core";
import type { WorkflowList, WorkflowRunStarted } from "keystroke/client";
import { KeystrokeClient } from "keystroke/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FullRun } from "../../runs/read-full-run.js";
import { assertBuilt, runCli, runCliJson } from "../../testing/run-cli.js";
import { type ServeProcess, startDevProcess } from "../../testing/serve-process.js";
import { type WorkflowProject, writeWorkflowProject } from "../../testing/workflow-project.js";

describe("keystroke workflows run", () => {
  let project: WorkflowProject;
  let dev: ServeProcess;
  let client: KeystrokeClient;
  const run = (...rest: string[]) => runCli(["workflows", "run", "--url", dev.url, ...rest]);
  const runIds = async (slug: string) =>
    (await runCliJson<{ runs: RunSummary[] }>(["workflows", "runs", "list", slug, "--url", dev.url])).json.runs.map(
      (r) => r.runId,
    );

  beforeAll(async () => {
    assertBuilt();
    project = writeWorkflowProject();
    dev = await startDevProcess(["--port", "0", "--no-watch"], { cwd: project.dir });
    client = new KeystrokeClient({ baseUrl: dev.url });
  });
  afterAll(async () => {
    if (dev) {
      dev.child.kill("SIGTERM");
      await dev.exited;
    }
    project?.remove();
  });

  it("lists the workflows of the dev server of the current folder", async () => {
    const { json } = await runCliJson<WorkflowList>(["workflows", "list"], { cwd: project.dir });
    expect(json.project).toBe("workflow-test");
    expect(json.workflows.map((w) => w.slug).sort()).toEqual(["approve", "explode", "greet", "nap"]);
    expect(json.workflows.find((w) => w.slug === "greet")?.input).toMatchObject({
      properties: { name: { type: "string" } },
      required: ["name"],
    });
  });

  it("starts a run and prints { runId, status } without waiting", async () => {
    const result = await run("greet", "--input", '{"name":"ada"}');
    expect(result.code).toBe(0);
    const started = JSON.parse(result.stdout) as WorkflowRunStarted;
    expect(Object.keys(started).sort()).toEqual(["runId", "status"]);
    expect(started.runId).toMatch(/^run_/);
    const { run: recorded } = await client.getRun(started.runId);
    expect(recorded).toMatchObject({ kind: "workflow", slug: "greet", input: { name: "ada" } });
  });

  it("--wait follows the run to the end and prints it with its steps; a retried step shows its attempts", async () => {
    const result = await run("greet", "--input", '{"name":"ada"}', "--wait");
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const final = JSON.parse(result.stdout) as FullRun;
    expect(final).toMatchObject({ status: "success", output: { greeting: "HELLO ADA" }, wait: null });
    expect(final.steps?.map((s) => [s.name, s.status, s.attempt])).toEqual([
      ["shout", "success", 1],
      ["flaky", "success", 2],
    ]);
    expect(final).toEqual(
      await runCliJson(["history", "get", final.runId, "--include", "steps", "--url", dev.url]).then((r) => r.json),
    );
  });

  it("--wait exits 1 when the run failed, with the error in the printed run", async () => {
    const result = await run("explode", "--wait");
    expect(result.code).toBe(1);
    const final = JSON.parse(result.stdout) as FullRun;
    expect(final.status).toBe("failed");
    expect(final.error?.message).toContain("the fuse was lit");
    expect(final.steps?.[0]).toMatchObject({ name: "boom", status: "failed" });
  });

  it("--wait stops at a sleep, exits 0 and prints what the run waits for", async () => {
    const before = Date.now();
    const result = await run("nap", "--input", "{}", "--wait");
    expect(result.code).toBe(0);
    const final = JSON.parse(result.stdout) as FullRun;
    expect(final.status).toBe("sleeping");
    expect(final.wait).toMatchObject({ kind: "sleep" });
    const until = Date.parse((final.wait as { until: string }).until);
    expect(until).toBeGreaterThanOrEqual(before + 3_600_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1000);
  });

  it("--wait stops at a hook with its resumeUrl, which resumes the run", async () => {
    const result = await run("approve", "--wait");
    expect(result.code).toBe(0);
    const final = JSON.parse(result.stdout) as FullRun;
    expect(final.status).toBe("waiting_on_hook");
    const resumeUrl = (final.wait as { resumeUrl?: string } | null)?.resumeUrl ?? "";
    expect(resumeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const resumed = await fetch(resumeUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ approved: true }),
    });
    expect(resumed.ok).toBe(true);
    for await (const event of client.streamEvents(final.runId, { after: final.lastSeq })) {
      if (event.type === "run.finished") break;
    }
    const after = await runCliJson(["workflows", "runs", "get", "approve", final.runId, "--url", dev.url]);
    expect(after.json).toMatchObject({ status: "success", output: { approved: true }, wait: null });
  });

  it("a sleeping run it started is canceled by `workflows runs cancel`, and stays canceled", async () => {
    const slept = JSON.parse((await run("nap", "--wait")).stdout) as FullRun;
    expect(slept.status).toBe("sleeping");
    const canceled = await runCliJson(["workflows", "runs", "cancel", "nap", slept.runId, "--url", dev.url]);
    expect(canceled.json).toEqual({ runId: slept.runId, status: "canceled" });
    const { run: after } = await client.getRun(slept.runId);
    expect(after).toMatchObject({ status: "canceled", wait: null });
  });

  it("fails on --input that is not JSON, naming the flag, and starts nothing", async () => {
    const before = await runIds("greet");
    const result = await run("greet", "--input", "{name: ada}");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^Error: Invalid --input "\{name: ada\}": expected JSON/);
    expect(await runIds("greet")).toEqual(before);
  });

  it("fails on input the workflow refuses with the server's message naming the field, and starts nothing", async () => {
    const before = await runIds("greet");
    const result = await run("greet", "--input", '{"name":42}', "--wait");
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^Error: .*name/);
    expect(await runIds("greet")).toEqual(before);
  });

  it("fails on an unknown workflow, naming the known ones", async () => {
    const result = await run("greeet", "--input", "{}");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("greet");
  });
});
