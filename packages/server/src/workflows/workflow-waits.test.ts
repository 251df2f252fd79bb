/**
 * Waiting and stopping as a user sees it over HTTP: a concurrency limit queues runs and starts
 * them in order (a sleeping run gives its slot back, a woken one counts again), a hook times out
 * into an error the workflow can catch, a hook link resumes with no body, a hook answered before
 * it is awaited still resumes the run, a caught failure stays failed on replay, and cancel stops
 * a queued, a running, a waiting run and a parent with its child.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/test-server.js";
import {
  finished,
  runView,
  startRun,
  waitForRun,
  workflowProjectFiles,
  writeProject,
} from "../testing/workflow-project.js";

describe("workflow waits, limits and cancel", () => {
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

  const cancel = (runId: string) => server.post<{ runId: string; status: string }>(`/api/runs/${runId}/cancel`, {});

  it("keeps runs over the concurrency limit Queued, then starts them in order as earlier ones finish", async () => {
    const first = await startRun(server, "one-at-a-time", { n: 1 });
    const second = await startRun(server, "one-at-a-time", { n: 2 });
    const third = await startRun(server, "one-at-a-time", { n: 3 });
    await waitForRun(server, first, (run) => run.status === "running" || finished(run));
    expect((await runView(server, second)).run.status).toBe("queued");
    expect((await runView(server, third)).run.status).toBe("queued");

    const runs = [
      (await waitForRun(server, first, finished)).run,
      (await waitForRun(server, second, finished)).run,
      (await waitForRun(server, third, finished)).run,
    ];
    expect(runs.map((run) => [run.status, run.output])).toEqual([
      ["success", { n: 1 }],
      ["success", { n: 2 }],
      ["success", { n: 3 }],
    ]);
    const [one, two, three] = runs.map((run) => ({
      started: Date.parse(run.startedAt as string),
      finished: Date.parse(run.finishedAt as string),
    }));
    expect(two?.started).toBeGreaterThanOrEqual(one?.finished as number);
    expect(three?.started).toBeGreaterThanOrEqual(two?.finished as number);
  });

  it("gives a sleeping run's slot to the next, and counts the run against the limit again once it wakes", async () => {
    const sleeper = await startRun(server, "sleepy-limited", { n: 1, sleepFirst: true });
    await waitForRun(server, sleeper, (run) => run.status === "sleeping" || finished(run));
    const worker = await startRun(server, "sleepy-limited", { n: 2, sleepFirst: false });
    await waitForRun(server, worker, (run) => run.status === "running" || finished(run));
    const waiting = await startRun(server, "sleepy-limited", { n: 3, sleepFirst: false });
    expect((await runView(server, waiting)).run.status).toBe("queued");

    const [a, b, c] = [
      await waitForRun(server, sleeper, finished),
      await waitForRun(server, worker, finished),
      await waitForRun(server, waiting, finished),
    ];
    expect([a.run.status, b.run.status, c.run.status]).toEqual(["success", "success", "success"]);
    const time = (value: string | null | undefined) => Date.parse(value as string);
    // The woken run was not held back by the one that took its slot…
    const woke = a.steps?.items.find((s) => s.stepId === "work#1");
    expect(time(woke?.startedAt)).toBeLessThan(time(b.run.finishedAt));
    // …but the queued run waited for both to finish.
    expect(time(c.run.startedAt)).toBeGreaterThanOrEqual(Math.max(time(a.run.finishedAt), time(b.run.finishedAt)));
  });

  it("throws a HookTimeoutError the workflow catches once the hook's timeout passes; the URL then answers 410", async () => {
    const runId = await startRun(server, "hook-timeout", { timeout: "200ms" });
    const waiting = await waitForRun(server, runId, (run) => run.status === "waiting_on_hook" || finished(run));
    expect(waiting.run.wait).toMatchObject({ kind: "hook", stepId: "hook#1", expiresAt: expect.any(String) });

    const { run, steps } = await waitForRun(server, runId, finished);
    expect(run.status).toBe("success");
    expect(run.output).toMatchObject({
      outcome: "timeout",
      name: "HookTimeoutError",
      message: "The hook timed out before anyone resumed it",
    });
    expect(steps?.items).toMatchObject([{ stepId: "hook#1", kind: "hook", status: "failed" }]);

    const url = new URL((run.output as { url: string }).url);
    const late = await server.post<{ error: { code: string } }>(url.pathname, { approved: true });
    expect(late.status).toBe(410);
    expect((await server.get(url.pathname)).status).toBe(410);
  });

  it("resumes a hook with a timeout in time with the posted body; a second call gets 409", async () => {
    const runId = await startRun(server, "hook-timeout", { timeout: "1h" });
    const waiting = await waitForRun(server, runId, (run) => run.status === "waiting_on_hook" || finished(run));
    const path = new URL((waiting.run.wait as { resumeUrl: string }).resumeUrl).pathname;
    const ok = await server.post(path, { approved: true });
    expect(ok.status).toBe(200);
    const { run } = await waitForRun(server, runId, finished);
    expect(run.output).toMatchObject({ outcome: "resumed", message: '{"approved":true}' });
    expect((await server.post(path, {})).status).toBe(409);
  });

  it("resumes a hook with a GET on its URL, with a null body", async () => {
    const runId = await startRun(server, "hook-link", {});
    const waiting = await waitForRun(server, runId, (run) => run.status === "waiting_on_hook" || finished(run));
    const url = (waiting.run.wait as { resumeUrl?: string }).resumeUrl as string;
    expect(url).toMatch(/\/api\/hooks\/[A-Za-z0-9_-]{43}$/);

    const clicked = await server.get<{ ok: boolean; runId: string }>(new URL(url).pathname);
    expect(clicked.status).toBe(200);
    expect(clicked.body).toEqual({ ok: true, runId });
    const { run, steps } = await waitForRun(server, runId, finished);
    expect(run.status).toBe("success");
    expect(run.output).toEqual({ body: null });
    expect(steps?.items).toMatchObject([{ stepId: "hook#1", status: "success" }]);
    expect((await server.get(new URL(url).pathname)).status).toBe(409);
  });

  it("resumes a hook called before the workflow awaits it (the step that handed out its URL still ran)", async () => {
    const runId = await startRun(server, "early-answer", {});
    const { run, steps } = await waitForRun(server, runId, finished);
    expect(run).toMatchObject({ status: "success", output: { body: { approved: true } }, wait: null });
    expect(steps?.items.map((s) => [s.stepId, s.status, s.output])).toEqual([
      ["hook#1", "success", { approved: true }],
      ["notify#1", "success", 200],
    ]);
  });

  it("replays a caught step that ran out of retries as failed, without running it again, after a wait", async () => {
    const runId = await startRun(server, "catch-then-wait", { key: "catch-then-wait" });
    const waiting = await waitForRun(server, runId, (run) => run.status === "waiting_on_hook" || finished(run));
    expect(waiting.steps?.items.map((s) => [s.stepId, s.status, s.attempt])).toEqual([
      ["hook#1", "running", 1],
      ["flaky#1", "failed", 2],
    ]);
    const path = new URL((waiting.run.wait as { resumeUrl: string }).resumeUrl).pathname;
    expect((await server.post(path, { ok: true })).status).toBe(200);

    const { run, steps } = await waitForRun(server, runId, finished);
    expect(run).toMatchObject({ status: "success", output: { caught: "flaky failed on call 2", body: { ok: true } } });
    expect(steps?.items.map((s) => [s.stepId, s.status, s.attempt])).toEqual([
      ["hook#1", "success", 1],
      ["flaky#1", "failed", 2],
    ]);
  });

  it("cancels a queued run (it never starts) and a running one (its step, blocked on the signal, is canceled)", async () => {
    const running = await startRun(server, "blocked", {});
    const queued = await startRun(server, "blocked", {});
    await waitForRun(server, running, (run) => run.status === "running");
    expect((await runView(server, queued)).run.status).toBe("queued");

    const canceledQueued = await cancel(queued);
    expect(canceledQueued).toEqual({ status: 200, body: { runId: queued, status: "canceled" } });
    const queuedView = await runView(server, queued);
    expect(queuedView.run).toMatchObject({ status: "canceled", durationMs: 0, error: { name: "Canceled" } });
    expect(queuedView.steps?.items).toEqual([]);
    expect((await runView(server, running)).run.status).toBe("running");

    const canceledRunning = await cancel(running);
    expect(canceledRunning).toEqual({ status: 200, body: { runId: running, status: "canceled" } });
    const { run, steps } = await waitForRun(server, running, finished);
    expect(run).toMatchObject({ status: "canceled", error: { name: "Canceled" } });
    expect(steps?.items).toMatchObject([{ stepId: "block#1", kind: "step", status: "canceled" }]);
    // Neither comes back, and the queued one was not started by the freed slot.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const queuedAfter = await runView(server, queued);
    expect(queuedAfter.run).toMatchObject({ status: "canceled", durationMs: 0 });
    expect(queuedAfter.steps?.items).toEqual([]);
    expect((await cancel(running)).status).toBe(409);
  });

  it("cancels a run waiting on a hook: the hook step shows canceled and its URL no longer resumes it", async () => {
    const runId = await startRun(server, "hook-link", {});
    const waiting = await waitForRun(server, runId, (run) => run.status === "waiting_on_hook" || finished(run));
    const path = new URL((waiting.run.wait as { resumeUrl: string }).resumeUrl).pathname;

    const canceled = await cancel(runId);
    expect(canceled).toEqual({ status: 200, body: { runId, status: "canceled" } });
    const { run, steps } = await runView(server, runId);
    expect(run).toMatchObject({ status: "canceled", wait: null, error: { name: "Canceled" } });
    expect(steps?.items).toMatchObject([{ stepId: "hook#1", kind: "hook", status: "canceled" }]);
    expect((await server.post(path, { approved: true })).status).toBe(409);
    expect((await runView(server, runId)).run.status).toBe("canceled");
  });

  it("cancels a run whose child workflow waits: the parent's step and the child are canceled too", async () => {
    const runId = await startRun(server, "awaits-child", {});
    const started = await waitForRun(server, runId, (run) => run.childRunIds.length > 0 || finished(run));
    const childRunId = started.run.childRunIds[0] as string;
    await waitForRun(server, childRunId, (run) => run.status === "waiting_on_hook" || finished(run));

    expect((await cancel(runId)).body).toEqual({ runId, status: "canceled" });
    const parent = await waitForRun(server, runId, (run) => finished(run));
    expect(parent.run.status).toBe("canceled");
    const child = await waitForRun(server, childRunId, finished);
    expect(child.run).toMatchObject({ status: "canceled", parentRunId: runId });
    expect(child.steps?.items).toMatchObject([{ stepId: "hook#1", status: "canceled" }]);
    const parentSteps = await waitForRun(server, runId, () => true);
    expect(parentSteps.steps?.items).toMatchObject([
      { stepId: "hook-link#1", kind: "workflow", status: "canceled", childRunId },
    ]);
  });
});
