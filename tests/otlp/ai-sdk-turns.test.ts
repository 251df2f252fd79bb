/**
 * The Vercel AI SDK's telemetry over several turns of one session, exported two spans per
 * request, so each turn's `ai.generateText` root comes after its model and tool calls. The app
 * re-sends the whole history each turn; the session holds every message once.
 */

import { startTestServer, type TestServer } from "@keystroke/server/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SHOP_CONVERSATION, shopTurns } from "./support/shop-turns.js";
import { conversation, session } from "./support/spans.js";
import { tracerProvider } from "./support/tracing.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it("three turns, two spans per request, are one session with exact tokens and each message once", async () => {
  const provider = tracerProvider(server.url, { service: "shop-backend", batchSize: 2 });
  await shopTurns("ses-three-turns", () => provider.getTracer("ai"));
  await provider.forceFlush();
  await provider.shutdown();

  const runs = await server.get<{ runs: { name: string }[] }>("/api/history?limit=100");
  expect(runs.body.runs.map((r) => r.name)).toEqual(["Support Agent"]);
  const view = await session(server, "support-agent", "ses-three-turns");
  expect(view.run.tokens).toMatchObject({ input: 3 * 1200, output: 3 * 40 });
  expect(view.run.status).toBe("success");
  const said = conversation(view).filter(([, type]) => type === "text");
  expect(said).toEqual(SHOP_CONVERSATION);
  expect(conversation(view).filter(([, type]) => type === "tool_call")).toHaveLength(3);
});
