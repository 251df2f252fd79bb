/**
 * The Vercel AI SDK, unchanged, with its telemetry on and the real OTLP exporters pointed at
 * Keystroke: the session reads back through the CLI (`history list`, `agents sessions get`) with
 * its conversation, tool call, tokens, cost and trace, over protobuf and JSON, gzipped or not.
 */

import { assertBuilt, runCliJson } from "@keystroke/cli/testing";
import { startTestServer, type TestServer } from "@keystroke/server/testing";
import { generateText, stepCountIs, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { scriptedModel } from "./support/mock-model.js";
import { type TracingOptions, tracerProvider } from "./support/tracing.js";

let server: TestServer;
beforeAll(async () => {
  assertBuilt();
  server = await startTestServer();
});
afterAll(() => server.close());

async function supportSession(sessionId: string, options: TracingOptions): Promise<string> {
  const provider = tracerProvider(server.url, options);
  const model = scriptedModel([
    {
      reasoning: "The order id is A1; look it up.",
      toolCall: { id: `call-${sessionId}`, name: "lookupOrder", input: { orderId: "A1" } },
      input: 1000,
      output: 40,
      cacheRead: 200,
    },
    { text: "Order A1 ships tomorrow.", input: 1200, output: 12 },
  ]);
  const result = await generateText({
    model,
    system: "You are the support agent of a shop.",
    prompt: "Where is my order A1?",
    tools: {
      lookupOrder: tool({
        description: "Find an order",
        inputSchema: z.object({ orderId: z.string() }),
        execute: async ({ orderId }) => ({ orderId, status: "shipped", eta: "tomorrow" }),
      }),
    },
    stopWhen: stepCountIs(4),
    experimental_telemetry: {
      isEnabled: true,
      functionId: "Support Agent",
      metadata: { sessionId, userId: "ada" },
      tracer: provider.getTracer("ai"),
    },
  });
  await provider.forceFlush();
  await provider.shutdown();
  return result.text;
}

interface Part {
  type: string;
  text?: string;
  name?: string;
  arguments?: unknown;
  result?: unknown;
}

const cli = (args: string[]) => runCliJson(args, { env: { KEYSTROKE_URL: server.url } });

describe.each([
  { label: "protobuf", options: { encoding: "protobuf" } },
  { label: "protobuf, gzip", options: { encoding: "protobuf", gzip: true } },
  { label: "JSON", options: { encoding: "json" } },
  { label: "JSON, gzip", options: { encoding: "json", gzip: true } },
] as { label: string; options: TracingOptions }[])("AI SDK over OTLP $label", ({ label, options }) => {
  const sessionId = `ses-${label.replace(/\W+/g, "-")}`;

  it("becomes a session with its conversation, tool call, tokens, cost and trace", async () => {
    expect(await supportSession(sessionId, options)).toBe("Order A1 ships tomorrow.");

    const { json: list } = await cli(["history", "list", "--slug", "support-agent"]);
    const row = (list as { runs: Record<string, unknown>[] }).runs.find((r) => r.sessionId === sessionId);
    expect(row).toMatchObject({
      kind: "agent",
      name: "Support Agent",
      status: "success",
      project: "default",
      source: "api",
      trigger: "OpenTelemetry",
      actor: { type: "user", id: "ada" },
      models: ["openai/gpt-4o-mini"],
      tokens: { input: 2200, output: 52, cacheRead: 200 },
      stepCount: 2,
    });
    expect(row?.totalCost).toBeGreaterThan(0);

    const { json: session } = await cli([
      "agents",
      "sessions",
      "get",
      "support-agent",
      sessionId,
      "--include",
      "messages,trace",
    ]);
    const { messages, trace, output } = session as unknown as {
      output: unknown;
      messages: { role: string; parts: Part[] }[];
      trace: { spans: { name: string }[] };
    };
    expect(messages.map((m) => [m.role, m.parts.map((p) => p.type)])).toEqual([
      ["system", ["text"]],
      ["user", ["text"]],
      ["assistant", ["thought"]],
      ["assistant", ["tool_call"]],
      ["assistant", ["tool_result"]],
      ["assistant", ["text"]],
    ]);
    const parts = messages.flatMap((m) => m.parts);
    expect(parts).toContainEqual(
      expect.objectContaining({ type: "tool_call", name: "lookupOrder", arguments: { orderId: "A1" } }),
    );
    expect(parts).toContainEqual(
      expect.objectContaining({
        type: "tool_result",
        name: "lookupOrder",
        result: { orderId: "A1", status: "shipped", eta: "tomorrow" },
      }),
    );
    expect(parts.at(-1)).toEqual({ type: "text", text: "Order A1 ships tomorrow." });
    expect(output).toBe("Order A1 ships tomorrow.");
    expect(trace.spans.map((s) => s.name).sort()).toEqual(
      ["ai.generateText", "ai.generateText.doGenerate", "ai.generateText.doGenerate", "ai.toolCall"].sort(),
    );
  });
});

describe("AI SDK sessions", () => {
  it("a follow-up with the same sessionId continues the same run, and a project header files it", async () => {
    const sessionId = "ses-follow-up";
    await supportSession(sessionId, { headers: { "x-keystroke-project": "Acme Shop" } });
    await supportSession(sessionId, { headers: { "x-keystroke-project": "Acme Shop" } });
    const { json } = await cli(["history", "list", "--project", "acme-shop"]);
    const runs = (json as { runs: { sessionId: string; tokens: { input: number }; status: string }[] }).runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ sessionId, status: "success", tokens: { input: 4400 } });
  });
});
