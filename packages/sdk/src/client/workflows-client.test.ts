import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KeystrokeError, type RunStatus } from "@keystroke/core";
import { type RunningServer, startServer } from "@keystroke/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeProjectFiles } from "../../../server/src/testing/project-files.js";
import { KeystrokeClient } from "./keystroke-client.js";

const project: Record<string, string> = {
  "package.json": JSON.stringify({ name: "client-workflows", private: true, type: "module" }),
  "keystroke.config.ts": `import { defineConfig } from "keystroke/config";
export default defineConfig({ organization: "acme", project: "client-workflows" });
`,
  "src/workflows/greet.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
export const greet = defineWorkflow({
  slug: "greet", name: "Greet", description: "Greets someone",
  input: z.object({ name: z.string() }), output: z.object({ greeting: z.string() }),
  concurrency: 4,
  async run({ name }, ctx) {
    const loud = await ctx.step("shout", () => name.toUpperCase());
    return { greeting: \`HELLO \${loud}\` };
  },
});
`,
  "src/workflows/nap.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
export const nap = defineWorkflow({
  slug: "nap", name: "Nap", description: "Sleeps an hour",
  input: z.object({}), output: z.object({}),
  async run(_input, ctx) {
    await ctx.sleep("1h");
    return {};
  },
});
`,
};

async function rejection(promise: Promise<unknown>): Promise<KeystrokeError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(KeystrokeError);
  return error as KeystrokeError;
}

describe("KeystrokeClient workflows", () => {
  let dir: string;
  let server: RunningServer;
  let client: KeystrokeClient;

  /** Follows the run's events until it reaches one of `statuses`. */
  async function until(runId: string, statuses: readonly RunStatus[]): Promise<void> {
    const controller = new AbortController();
    for await (const event of client.streamEvents(runId, { signal: controller.signal })) {
      const status = event.type === "run.finished" || event.type === "run.status_changed" ? event.status : undefined;
      if (status && statuses.includes(status)) controller.abort();
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "keystroke-client-workflows-"));
    writeProjectFiles(dir, project);
    server = await startServer({ host: "127.0.0.1", port: 0, dbPath: join(dir, "k.db"), projectDir: dir });
    client = new KeystrokeClient({ baseUrl: server.url });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the hosted workflows with their input and output schemas", async () => {
    const list = await client.listWorkflows();
    expect(list.project).toBe("client-workflows");
    const greet = list.workflows.find((w) => w.slug === "greet");
    expect(greet).toMatchObject({ name: "Greet", description: "Greets someone", concurrency: 4 });
    expect(greet?.input).toMatchObject({
      type: "object",
      properties: { name: { type: "string" } },
      required: ["name"],
    });
    expect(greet?.output).toMatchObject({ properties: { greeting: { type: "string" } } });
    expect(typeof greet?.retries).toBe("number");
    expect(list.workflows.map((w) => w.slug).sort()).toEqual(["greet", "nap"]);
  });

  it("runs a workflow, lists its runs and gets one with its steps", async () => {
    const started = await client.runWorkflow("greet", { name: "ada" });
    expect(started).toEqual({ runId: expect.stringMatching(/^run_/), status: expect.any(String) });
    await until(started.runId, ["success", "failed", "canceled"]);

    const view = await client.getWorkflowRun("greet", started.runId, { steps: true });
    expect(view.run).toMatchObject({ kind: "workflow", slug: "greet", status: "success" });
    expect(view.run.output).toEqual({ greeting: "HELLO ADA" });
    expect(view.steps?.items.map((s) => [s.name, s.status, s.attempt])).toEqual([["shout", "success", 1]]);
    expect(view).toEqual(await client.getRun(started.runId, { steps: true }));

    const page = await client.listWorkflowRuns("greet", { status: ["success"], limit: 10 });
    expect(page.runs.map((r) => r.runId)).toContain(started.runId);
    expect(page.runs.every((r) => r.slug === "greet" && r.status === "success")).toBe(true);
    expect(page.nextCursor).toBeNull();
    const failed = await client.listWorkflowRuns("greet", { status: ["failed"] });
    expect(failed.runs).toEqual([]);
  });

  it("pages a workflow's runs with the cursor", async () => {
    const second = await client.runWorkflow("greet", { name: "grace" });
    await until(second.runId, ["success", "failed"]);
    const first = await client.listWorkflowRuns("greet", { limit: 1 });
    expect(first.runs.map((r) => r.runId)).toEqual([second.runId]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const next = await client.listWorkflowRuns("greet", { limit: 1, cursor: first.nextCursor ?? "" });
    expect(next.runs).toHaveLength(1);
    expect(next.runs[0]?.runId).not.toBe(second.runId);
  });

  it("refuses input the workflow does not take, naming the field, and creates no run", async () => {
    const before = await client.listWorkflowRuns("greet");
    const error = await rejection(client.runWorkflow("greet", { name: 42 }));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain("name");
    const after = await client.listWorkflowRuns("greet");
    expect(after.runs.map((r) => r.runId)).toEqual(before.runs.map((r) => r.runId));
  });

  it("answers not_found for an unknown workflow, naming the known ones", async () => {
    const error = await rejection(client.runWorkflow("nope", {}));
    expect(error.code).toBe("not_found");
    expect(`${error.message} ${error.hint ?? ""}`).toContain("greet");
  });

  it("answers not_found for a run of another workflow", async () => {
    const { runs } = await client.listWorkflowRuns("greet", { limit: 1 });
    const error = await rejection(client.getWorkflowRun("nap", runs[0]?.runId ?? ""));
    expect(error.code).toBe("not_found");
  });

  it("cancels a sleeping run", async () => {
    const started = await client.runWorkflow("nap", {});
    await until(started.runId, ["sleeping"]);
    const sleeping = await client.getWorkflowRun("nap", started.runId);
    expect(sleeping.run.wait).toMatchObject({ kind: "sleep", until: expect.any(String) });
    expect(await client.cancelRun(started.runId)).toEqual({ runId: started.runId, status: "canceled" });
    expect((await client.getWorkflowRun("nap", started.runId)).run.status).toBe("canceled");
  });
});
