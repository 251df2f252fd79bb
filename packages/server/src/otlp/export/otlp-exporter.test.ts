import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunEventInput } from "@keystroke/core";
import { newRunId } from "@keystroke/core/ids";
import { openSqliteStore } from "@keystroke/store";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createServer, type KeystrokeServer } from "../../create-server.js";
import { type OtlpTestServer, startOtlpTestServer } from "../../testing/otlp-test-server.js";
import { parseHeaders } from "./otlp-exporter.js";

let backend: OtlpTestServer;
let keystroke: KeystrokeServer;
let dir: string;

beforeAll(async () => {
  backend = await startOtlpTestServer();
  dir = await mkdtemp(join(tmpdir(), "keystroke-export-"));
  const store = openSqliteStore(join(dir, "keystroke.db"));
  keystroke = createServer({
    store,
    otlpExport: { url: backend.url, headers: { "x-keystroke-project": "mirror" }, delayMs: 20 },
  });
  keystroke.addHook("onClose", () => store.close());
  await keystroke.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await keystroke.close();
  await backend.close();
  await rm(dir, { recursive: true, force: true });
});

const at = (ms: number) => new Date(Date.parse("2026-11-28T12:00:00.000Z") + ms).toISOString();

it("sends a run as GenAI spans that another OTLP receiver reads back as the same session", async () => {
  const runId = newRunId();
  const events: RunEventInput[] = [
    {
      eventId: "e1",
      type: "run.created",
      time: at(0),
      kind: "agent",
      slug: "support",
      name: "Support",
      project: "demo",
      sessionId: "ses-export",
      source: "cli",
      trigger: { label: "CLI prompt" },
      actor: { type: "user", id: "ada" },
      status: "running",
    },
    {
      eventId: "e2",
      type: "message.added",
      time: at(10),
      message: { id: "m1", role: "user", parts: [{ type: "text", text: "Where is my refund?" }] },
    },
    {
      eventId: "e3",
      type: "model.called",
      time: at(900),
      callId: "c1",
      provider: "anthropic",
      model: "claude-sonnet-4-5",
      usage: { inputTokens: 1000, outputTokens: 50 },
      latencyMs: 880,
    },
    {
      eventId: "e4",
      type: "message.added",
      time: at(901),
      message: {
        id: "m2",
        role: "assistant",
        parts: [{ type: "tool_call", id: "t1", name: "find_refund", arguments: { order: 7 } }],
      },
    },
    {
      eventId: "e5",
      type: "message.part_added",
      time: at(1200),
      messageId: "m2",
      part: { type: "tool_result", id: "t1", result: { status: "sent" } },
    },
    {
      eventId: "e6",
      type: "message.added",
      time: at(1900),
      message: { id: "m3", role: "assistant", parts: [{ type: "text", text: "Your refund was sent." }] },
    },
    { eventId: "e7", type: "run.finished", time: at(2000), status: "success" },
  ];
  const response = await keystroke.inject({ method: "POST", url: "/api/ingest", payload: { runId, events } });
  expect(response.statusCode).toBe(200);

  let mirrored: Record<string, unknown> | undefined;
  for (let i = 0; i < 100 && mirrored === undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    mirrored = (await backend.store.listRuns({ project: ["mirror"] })).runs[0] as Record<string, unknown> | undefined;
  }
  expect(mirrored).toMatchObject({
    slug: "support",
    sessionId: "ses-export",
    status: "success",
    trigger: "OpenTelemetry",
    actor: { type: "user", id: "ada" },
    models: ["anthropic/claude-sonnet-4-5"],
    tokens: { input: 1000, output: 50 },
  });
  const view = await backend.store.getSession({ slug: "support", sessionId: "ses-export" }, { messages: {} });
  expect(view?.messages?.items.flatMap((m) => m.parts.map((p) => p.type))).toEqual([
    "text",
    "tool_call",
    "tool_result",
    "text",
  ]);
});

it("sends each turn of a session with a root of its own, so the receiver records how every turn ended", async () => {
  const runId = newRunId();
  const turn = (n: number, status: "success" | "failed"): RunEventInput[] => [
    {
      eventId: `t${n}-user`,
      type: "message.added",
      time: at(n * 10_000),
      message: { id: `t${n}-m1`, role: "user", parts: [{ type: "text", text: "yes" }] },
    },
    {
      eventId: `t${n}-model`,
      type: "model.called",
      time: at(n * 10_000 + 500),
      callId: `t${n}-c`,
      provider: "openai",
      model: "gpt-4o",
      usage: { inputTokens: 100, outputTokens: 10 },
      latencyMs: 400,
    },
    {
      eventId: `t${n}-done`,
      type: "run.finished",
      time: at(n * 10_000 + 900),
      status,
      ...(status === "failed" ? { error: { message: "the second turn failed" } } : {}),
    },
  ];
  const created: RunEventInput = {
    eventId: "t-created",
    type: "run.created",
    time: at(0),
    kind: "agent",
    slug: "turns",
    name: "Turns",
    project: "demo",
    sessionId: "ses-turns",
    source: "cli",
    trigger: { label: "CLI prompt" },
    actor: { type: "user", id: "ada" },
    status: "running",
  };
  const first = { runId, events: [created, ...turn(0, "success")] };
  expect((await keystroke.inject({ method: "POST", url: "/api/ingest", payload: first })).statusCode).toBe(200);
  const second = {
    runId,
    events: [{ eventId: "t1-start", type: "run.started", time: at(9_999) }, ...turn(1, "failed")],
  };
  expect((await keystroke.inject({ method: "POST", url: "/api/ingest", payload: second })).statusCode).toBe(200);

  let mirrored: Record<string, unknown> | undefined;
  for (let i = 0; i < 100 && mirrored?.status !== "failed"; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    mirrored = (await backend.store.listSessions("turns", { project: ["mirror"] })).runs[0] as
      | Record<string, unknown>
      | undefined;
  }
  expect(mirrored).toMatchObject({ sessionId: "ses-turns", status: "failed", tokens: { input: 200, output: 20 } });
  expect((await backend.store.listSessions("turns", { project: ["mirror"] })).runs).toHaveLength(1);
});

it("reads headers written as OTEL_EXPORTER_OTLP_HEADERS", () => {
  expect(parseHeaders("authorization=Bearer%20abc, x-team = ai")).toEqual({
    authorization: "Bearer abc",
    "x-team": "ai",
  });
  expect(parseHeaders(undefined)).toEqual({});
});
