/**
 * A trace whose conversation id comes late, watched live: the model call arrives alone and shows
 * in History as a run of its own; when the root span brings the conversation id and the agent's
 * name, that run's events move into the session's run, the run leaves the History list, and
 * whoever followed it is told where it went.
 */

import { openEventStream, startTestServer, type TestServer } from "@keystroke/server/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { modelCallBeforeRoot, session, T0 } from "./support/spans.js";
import { tracerProvider } from "./support/tracing.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Row {
  runId: string;
  name: string;
}

it("moves the run of a trace into its conversation's run when the root brings the id", async () => {
  const provider = tracerProvider(server.url, { service: "travel-service" });
  const tracer = provider.getTracer("app");
  const root = modelCallBeforeRoot(tracer);
  await provider.forceFlush();

  const before = await server.get<{ runs: Row[] }>("/api/history");
  expect(before.body.runs.map((r) => r.name)).toEqual(["travel-service"]);
  const provisional = before.body.runs[0]?.runId as string;
  const history = await openEventStream(`${server.url}/api/history/live`);
  const followed = await openEventStream(`${server.url}/api/runs/${provisional}/events`);
  await followed.waitFor(1);

  root.setAttributes({ "gen_ai.conversation.id": "trip-7", "gen_ai.agent.name": "Trip Planner" });
  root.end(T0 + 1000);
  await provider.forceFlush();
  await provider.shutdown();

  await expect.poll(() => followed.messages.at(-1)?.event).toBe("run.moved");
  const moved = followed.messages.at(-1);
  const view = await session(server, "trip-planner", "trip-7");
  const into = String(view.run.runId);
  expect(JSON.parse(moved?.data ?? "{}")).toMatchObject({ runId: provisional, intoRunId: into });
  const changes = (await history.waitFor(2)).map((m) => JSON.parse(m.data) as { run: Row; removed?: boolean });
  expect(changes).toContainEqual(
    expect.objectContaining({ run: expect.objectContaining({ runId: provisional }), removed: true }),
  );
  history.close();
  followed.close();

  const after = await server.get<{ runs: Row[] }>("/api/history");
  expect(after.body.runs.map((r) => [r.runId, r.name])).toEqual([[into, "Trip Planner"]]);
  expect(view.run.tokens).toMatchObject({ input: 120, output: 8 });
  expect(view.run.status).toBe("success");
  expect(view.trace.spans.items.map((s) => s.name).sort()).toEqual(["chat gpt-4o-mini", "invoke_agent"]);
  expect((await server.get(`/api/history/${provisional}`)).status).toBe(404);
});
