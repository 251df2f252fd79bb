import type { RunSummary } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../../server/src/testing/test-server.js";
import { assertBuilt, runCli, runCliJson } from "../../testing/run-cli.js";
import { type SeededWorkflowRuns, seedWorkflowRuns } from "../../testing/seed-workflow-runs.js";

interface RunList {
  runs: RunSummary[];
  nextCursor: string | null;
}

describe("keystroke workflows runs list", () => {
  let server: TestServer;
  let seeded: SeededWorkflowRuns;
  const args = (...rest: string[]) => ["workflows", "runs", "list", "--url", server.url, ...rest];
  const ids = async (...rest: string[]) => (await runCliJson<RunList>(args(...rest))).json.runs.map((r) => r.runId);

  beforeAll(async () => {
    assertBuilt();
    server = await startTestServer();
    seeded = await seedWorkflowRuns(server.client);
  });
  afterAll(() => server?.close());

  it("prints { runs, nextCursor } with the workflow's runs only, newest first", async () => {
    const { json } = await runCliJson<RunList>(args("fulfil-order"));
    expect(Object.keys(json).sort()).toEqual(["nextCursor", "runs"]);
    expect(json.nextCursor).toBeNull();
    expect(json.runs.map((r) => r.runId)).toEqual([seeded.waiting, seeded.sleeping, seeded.failed, seeded.succeeded]);
    expect(json.runs.find((r) => r.runId === seeded.succeeded)).toMatchObject({
      kind: "workflow",
      slug: "fulfil-order",
      name: "Fulfil order",
      status: "success",
      stepCount: 3,
    });
    expect(json.runs.find((r) => r.runId === seeded.failed)?.errorSummary).toContain("card declined");
  });

  it("filters by status, one or several", async () => {
    expect(await ids("fulfil-order", "--status", "failed")).toEqual([seeded.failed]);
    expect(await ids("fulfil-order", "--status", "sleeping,waiting_on_hook")).toEqual([
      seeded.waiting,
      seeded.sleeping,
    ]);
    expect(await ids("nightly-report")).toEqual([seeded.other]);
  });

  it("pages with --limit and --cursor", async () => {
    const first = (await runCliJson<RunList>(args("fulfil-order", "--limit", "3"))).json;
    expect(first.runs.map((r) => r.runId)).toEqual([seeded.waiting, seeded.sleeping, seeded.failed]);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(await ids("fulfil-order", "--limit", "3", "--cursor", first.nextCursor ?? "")).toEqual([seeded.succeeded]);
  });

  it("fails on a status that does not exist, naming the flag", async () => {
    const result = await runCli(args("fulfil-order", "--status", "asleep"));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain('Invalid --status "asleep"');
  });
});
