/**
 * The Host and same-origin checks (packages/server/src/request-guards) leave the clients that
 * are not browsers alone: the `keystroke` CLI reads History and cancels a session (a POST), and
 * a real OpenTelemetry exporter sends its spans, all with no Origin and no Sec-Fetch-Site.
 */

import { assertBuilt, runCli, runCliJson } from "@keystroke/cli/testing";
import { runCreated, startTestServer, type TestServer } from "@keystroke/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emit } from "./otlp/support/spans.js";
import { tracerProvider } from "./otlp/support/tracing.js";

let server: TestServer;
beforeAll(async () => {
  assertBuilt();
  server = await startTestServer();
});
afterAll(() => server.close());

describe("clients that are not browsers", () => {
  it("an OTLP exporter records a session, the CLI lists it and cancels another", async () => {
    const provider = tracerProvider(server.url);
    emit(provider.getTracer("guards"), {
      name: "invoke_agent Concierge",
      start: 0,
      end: 50,
      attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "Concierge",
        "gen_ai.conversation.id": "conv-guarded",
      },
    });
    await provider.forceFlush();
    await provider.shutdown();

    const { runId, event } = runCreated({ slug: "support", sessionId: "ses_guarded" });
    expect((await server.ingest(runId, [event])).status).toBe(200);

    const listed = await runCliJson<{ runs: { runId: string; sessionId: string; status: string }[] }>([
      "history",
      "list",
      "--url",
      server.url,
    ]);
    expect(listed.json.runs.map((run) => run.sessionId).sort()).toEqual(["conv-guarded", "ses_guarded"]);

    const cancel = await runCli(["agents", "sessions", "cancel", "support", "ses_guarded", "--url", server.url]);
    expect(cancel.stderr).toBe("");
    expect(cancel.code).toBe(0);
    const after = await server.get<{ run: { status: string } }>(`/api/history/${runId}`);
    expect(after.body.run.status).toBe("canceled");
  });
});
