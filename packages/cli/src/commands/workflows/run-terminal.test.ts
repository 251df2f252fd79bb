/** `workflows run --wait` and `workflows runs get --summary` as a person sees them at a terminal. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../../server/src/testing/test-server.js";
import { hasScript, onTerminal, visibleText } from "../../testing/on-terminal.js";
import { assertBuilt } from "../../testing/run-cli.js";
import { type SeededWorkflowRuns, seedWorkflowRuns } from "../../testing/seed-workflow-runs.js";
import { type ServeProcess, startDevProcess } from "../../testing/serve-process.js";
import { type WorkflowProject, writeWorkflowProject } from "../../testing/workflow-project.js";

describe.skipIf(!hasScript)("keystroke workflows on a terminal", () => {
  let project: WorkflowProject;
  let dev: ServeProcess;
  let server: TestServer;
  let seeded: SeededWorkflowRuns;
  const shown = async (args: readonly string[]) => {
    const { code, screen } = await onTerminal(args, undefined, { cwd: project.dir });
    return { code, screen: visibleText(screen) };
  };

  beforeAll(async () => {
    assertBuilt();
    project = writeWorkflowProject();
    dev = await startDevProcess(["--port", "0", "--no-watch"], { cwd: project.dir });
    server = await startTestServer();
    seeded = await seedWorkflowRuns(server.client);
  });
  afterAll(async () => {
    if (dev) {
      dev.child.kill("SIGTERM");
      await dev.exited;
    }
    await server?.close();
    project?.remove();
  });

  it("shows each step as it finishes, then the run's summary", async () => {
    const { code, screen } = await shown(["workflows", "run", "greet", "--input", '{"name":"ada"}', "--wait"]);
    expect(code).toBe(0);
    expect(screen).toMatch(/^shout {2}Success {2}\d+(ms|\.\ds)$/m);
    expect(screen).toMatch(/^flaky {2}Success {2}\d+(ms|\.\ds) {2}attempt 2$/m);
    expect(screen).toMatch(/^Status: +Success$/m);
    expect(screen).toMatch(/^Output: +\{"greeting":"HELLO ADA"\}$/m);
    expect(screen).toMatch(/^Steps: 2$/m);
  });

  it("shows the hook's resume URL when the run waits on it", async () => {
    const { code, screen } = await shown(["workflows", "run", "approve", "--wait"]);
    expect(code).toBe(0);
    expect(screen).toMatch(/^Status: +Waiting on hook$/m);
    expect(screen).toMatch(/^Hook expires: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m);
    expect(screen).toMatch(/^Resume URL: +http:\/\/127\.0\.0\.1:\d+\/\S+$/m);
  });

  it("summarizes a failed run with its steps and attempts", async () => {
    const { code, screen } = await shown([
      "workflows",
      "runs",
      "get",
      "fulfil-order",
      seeded.failed,
      "--summary",
      "--url",
      server.url,
    ]);
    expect(code).toBe(0);
    expect(screen).toMatch(/^Status: +Failed$/m);
    expect(screen).toMatch(/^Error: +CardError: card declined$/m);
    expect(screen).toMatch(/^ {2}charge-card {2}\(action\) {2}Failed {2}50ms {2}attempt 3: card declined$/m);
  });

  it("shows a run with what it waits for and, with --include trigger, where it came from", async () => {
    const { code, screen } = await shown([
      "workflows",
      "runs",
      "get",
      "fulfil-order",
      seeded.sleeping,
      "--include",
      "trigger,steps",
      "--url",
      server.url,
    ]);
    expect(code).toBe(0);
    expect(screen).toMatch(/^Status: +Sleeping$/m);
    expect(screen).toMatch(/^ {2}Sleeping until: \d{4}-.+ \(step wait-for-stock\)$/m);
    expect(screen).toMatch(/^ {2}Value: +"POST \/api\/workflows\/fulfil-order\/runs"$/m);
    expect(screen).toMatch(/^ {2}Actor: +CI key \(api_key key_ci\)$/m);
    expect(screen).toMatch(/^Steps: 2$/m);
  });

  it("lists the workflows and a workflow's runs as tables", async () => {
    const list = await shown(["workflows", "list"]);
    expect(list.screen).toMatch(/^Slug\s+Name\s+Input\s+Retries\s+Concurrency$/m);
    expect(list.screen).toMatch(/^greet\s+Greet\s+name\s+/m);
    const runs = await shown(["workflows", "runs", "list", "fulfil-order", "--url", server.url]);
    expect(runs.screen).toMatch(/^Run ID\s+Status\s+Start time\s+Duration\s+Steps\s+Trigger\s+Actor$/m);
    expect(runs.screen).toContain("Waiting on hook");
  });
});
