import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/test-server.js";

const starter = fileURLToPath(new URL("../../../../examples/starter", import.meta.url));

let backend: TestServer;
let keystroke: TestServer;

beforeAll(async () => {
  backend = await startTestServer();
  keystroke = await startTestServer({ projectDir: starter, otlpExport: { url: backend.url } });
});
afterAll(async () => {
  await keystroke?.close();
  await backend?.close();
});

it("exports a prompted session as OTLP GenAI spans that another Keystroke reads back as the same conversation", async () => {
  const prompted = await keystroke.post<{ runId: string; sessionId: string }>("/api/agents/support/prompt", {
    message: "Where is my order A-1001? Please look up the order.",
  });
  expect(prompted.status).toBe(200);
  let mirrored: { runId: string; models: string[]; status: string } | undefined;
  for (let i = 0; i < 100 && !mirrored?.models.length; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    mirrored = (
      await backend.get<{ runs: { runId: string; models: string[]; status: string }[] }>("/api/history?kind=agent")
    ).body.runs[0];
  }
  expect(mirrored).toMatchObject({ status: "success", models: ["demo/support"] });
  const view = await backend.get<{ messages: { items: { role: string; parts: { type: string; name?: string }[] }[] } }>(
    `/api/history/${mirrored?.runId}?include=messages`,
  );
  const parts = view.body.messages.items.flatMap((m) => m.parts);
  const roles = view.body.messages.items.map((m) => m.role).filter((role) => role !== "system");
  expect(roles[0]).toBe("user");
  expect(new Set(roles.slice(1))).toEqual(new Set(["assistant"]));
  expect(parts).toContainEqual(expect.objectContaining({ type: "tool_call", name: "lookup-order" }));
  expect(parts).toContainEqual(expect.objectContaining({ type: "tool_result", name: "lookup-order" }));
  expect(parts).toContainEqual(expect.objectContaining({ type: "text", text: expect.stringContaining("shipped") }));
  const runs = (await backend.get<{ runs: unknown[] }>("/api/history")).body.runs;
  expect(runs).toHaveLength(1);
});
