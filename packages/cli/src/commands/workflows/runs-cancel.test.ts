import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../../server/src/testing/test-server.js";
import { assertBuilt, runCli, runCliJson } from "../../testing/run-cli.js";
import { type SeededWorkflowRuns, seedWorkflowRuns } from "../../testing/seed-workflow-runs.js";

describe("keystroke workflows runs cancel", () => {
  let server: TestServer;
  let seeded: SeededWorkflowRuns;
  const args = (...rest: string[]) => ["workflows", "runs", "cancel", "--url", server.url, ...rest];

  beforeAll(async () => {
    assertBuilt();
    server = await startTestServer();
    seeded = await seedWorkflowRuns(server.client);
  });
  afterAll(() => server?.close());

  it("fails on a run of another workflow and leaves it running", async () => {
    const result = await runCli(args("nightly-report", seeded.sleeping));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(seeded.sleeping);
    expect((await server.client.getRun(seeded.sleeping)).run.status).toBe("sleeping");
  });

  it("cancels a sleeping run and a run waiting on a hook; the server records them canceled", async () => {
    for (const runId of [seeded.sleeping, seeded.waiting]) {
      const { json } = await runCliJson(args("fulfil-order", runId));
      expect(json).toEqual({ runId, status: "canceled" });
      const { run } = await server.client.getRun(runId);
      expect(run).toMatchObject({ status: "canceled", wait: null });
    }
  });

  it("fails on a finished run, saying it already finished", async () => {
    const result = await runCli(args("fulfil-order", seeded.succeeded));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Error: Run ${seeded.succeeded} already finished: Success`);
    expect((await server.client.getRun(seeded.succeeded)).run.status).toBe("success");
  });
});
