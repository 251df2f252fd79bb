/**
 * Spans and log events shaped as the OpenTelemetry GenAI semantic conventions write them — the
 * current names (`gen_ai.provider.name`, `gen_ai.input.messages`, `cache_read`/`cache_write`),
 * the older ones still emitted (`gen_ai.system`, `cache_creation`, per-message log events) and
 * content sent as `gen_ai.client.inference.operation.details` log events — exported with the
 * real trace and log exporters.
 */

import { startTestServer, type TestServer } from "@keystroke/server/testing";
import { context, trace } from "@opentelemetry/api";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversation, emit, session, T0 } from "./support/spans.js";
import { loggerProvider, tracerProvider } from "./support/tracing.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const json = (value: unknown) => JSON.stringify(value);

describe("GenAI semantic conventions", () => {
  it("invoke_agent, chat and execute_tool spans with content attributes become a session", async () => {
    const provider = tracerProvider(server.url);
    const chat = {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-sonnet-4-5",
    };
    emit(provider.getTracer("genai"), {
      name: "invoke_agent Trip Planner",
      start: 0,
      end: 100,
      attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "Trip Planner",
        "gen_ai.conversation.id": "conv-1",
      },
      children: [
        {
          name: "chat claude-sonnet-4-5",
          start: 5,
          end: 30,
          attributes: {
            ...chat,
            "gen_ai.conversation.id": "conv-1",
            "gen_ai.usage.input_tokens": 1200,
            "gen_ai.usage.output_tokens": 80,
            "gen_ai.usage.cache_read.input_tokens": 1000,
            "gen_ai.usage.cache_write.input_tokens": 100,
            "gen_ai.usage.reasoning.output_tokens": 30,
            "gen_ai.system_instructions": json([{ type: "text", content: "You plan trips." }]),
            "gen_ai.input.messages": json([
              { role: "user", parts: [{ type: "text", content: "Plan a weekend in Lisbon" }] },
            ]),
            "gen_ai.output.messages": json([
              {
                role: "assistant",
                parts: [
                  { type: "reasoning", content: "I need the weather first." },
                  { type: "tool_call", id: "tc-1", name: "get_weather", arguments: { city: "Lisbon" } },
                ],
                finish_reason: "tool_call",
              },
            ]),
          },
        },
        {
          name: "execute_tool get_weather",
          start: 31,
          end: 50,
          attributes: {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "get_weather",
            "gen_ai.tool.call.id": "tc-1",
            "gen_ai.tool.call.arguments": json({ city: "Lisbon" }),
            "gen_ai.tool.call.result": json({ forecast: "sunny", high: 24 }),
          },
        },
        {
          name: "chat claude-sonnet-4-5",
          start: 51,
          end: 95,
          attributes: {
            ...chat,
            "gen_ai.usage.input_tokens": 1400,
            "gen_ai.usage.output_tokens": 60,
            "gen_ai.input.messages": json([
              { role: "user", parts: [{ type: "text", content: "Plan a weekend in Lisbon" }] },
              {
                role: "assistant",
                parts: [{ type: "tool_call", id: "tc-1", name: "get_weather", arguments: { city: "Lisbon" } }],
              },
              {
                role: "tool",
                parts: [{ type: "tool_call_response", id: "tc-1", response: { forecast: "sunny", high: 24 } }],
              },
            ]),
            "gen_ai.output.messages": json([
              { role: "assistant", parts: [{ type: "text", content: "Sunny all weekend: walk Alfama, then Belém." }] },
            ]),
          },
        },
      ],
    });
    await provider.forceFlush();
    await provider.shutdown();

    const view = await session(server, "trip-planner", "conv-1");
    expect(conversation(view)).toEqual([
      ["system", "text", "You plan trips."],
      ["user", "text", "Plan a weekend in Lisbon"],
      ["assistant", "thought", "I need the weather first."],
      ["assistant", "tool_call", "get_weather"],
      ["assistant", "tool_result", "get_weather"],
      ["assistant", "text", "Sunny all weekend: walk Alfama, then Belém."],
    ]);
    const parts = view.messages.items.flatMap((m) => m.parts);
    expect(parts).toContainEqual({ type: "tool_call", id: "tc-1", name: "get_weather", arguments: { city: "Lisbon" } });
    expect(parts).toContainEqual({
      type: "tool_result",
      id: "tc-1",
      name: "get_weather",
      result: { forecast: "sunny", high: 24 },
    });
    expect(view.run).toMatchObject({
      name: "Trip Planner",
      status: "success",
      models: ["anthropic/claude-sonnet-4-5"],
      tokens: { input: 2600, output: 140, cacheRead: 1000, cacheWrite: 100, reasoning: 30 },
      stepCount: 2,
      startedAt: new Date(T0).toISOString(),
      finishedAt: new Date(T0 + 100).toISOString(),
    });
    expect(view.run.totalCost).toBeGreaterThan(0);
    expect(view.trace.spans.items.map((s) => s.name)).toEqual([
      "invoke_agent Trip Planner",
      "chat claude-sonnet-4-5",
      "execute_tool get_weather",
      "chat claude-sonnet-4-5",
    ]);
  });

  it("older names (gen_ai.system, cache_creation) and per-message log events; ERROR fails the run", async () => {
    const provider = tracerProvider(server.url, { service: "billing-bot" });
    const logs = loggerProvider(server.url, { service: "billing-bot" });
    const tracer = provider.getTracer("legacy");
    const logger = logs.getLogger("legacy");
    const root = emit(tracer, {
      name: "invoke_agent",
      start: 1000,
      end: 1300,
      error: "Refund service unavailable",
      attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "billing", "enduser.id": "grace" },
      children: [
        {
          name: "chat gpt-4o",
          start: 1010,
          end: 1200,
          attributes: {
            "gen_ai.operation.name": "chat",
            "gen_ai.system": "openai",
            "gen_ai.request.model": "gpt-4o",
            "gen_ai.usage.input_tokens": 500,
            "gen_ai.usage.output_tokens": 20,
            "gen_ai.usage.cache_creation.input_tokens": 300,
          },
        },
      ],
    });
    const chatContext = trace.setSpanContext(context.active(), root.spanContext());
    logger.emit({
      eventName: "gen_ai.user.message",
      timestamp: T0 + 1010,
      severityNumber: SeverityNumber.INFO,
      body: { content: "Refund my last invoice" },
      attributes: { "gen_ai.system": "openai" },
      context: chatContext,
    });
    logger.emit({
      eventName: "gen_ai.choice",
      timestamp: T0 + 1200,
      severityNumber: SeverityNumber.INFO,
      body: { index: 0, finish_reason: "stop", message: { content: "Let me check the refund service." } },
      context: chatContext,
    });
    await provider.forceFlush();
    await logs.forceFlush();
    await provider.shutdown();
    await logs.shutdown();

    const traceId = root.spanContext().traceId;
    const view = await session(server, "billing", traceId);
    expect(conversation(view)).toEqual([
      ["user", "text", "Refund my last invoice"],
      ["assistant", "text", "Let me check the refund service."],
    ]);
    expect(view.run).toMatchObject({
      status: "failed",
      actor: { type: "user", id: "grace" },
      models: ["openai/gpt-4o"],
      tokens: { input: 500, output: 20, cacheWrite: 300 },
      error: { message: "Refund service unavailable" },
      errorSummary: "Refund service unavailable",
    });
    expect(view.trace.logs.items.map((l) => [l.level, l.message.slice(0, 22)])).toEqual([
      ["info", "Refund my last invoice"],
      ["info", '{"index":0,"finish_rea'],
    ]);
  });

  it("content as gen_ai.client.inference.operation.details log events over JSON, gzipped", async () => {
    const options = { encoding: "json", gzip: true, service: "faq" } as const;
    const provider = tracerProvider(server.url, options);
    const logs = loggerProvider(server.url, options);
    const chat = emit(provider.getTracer("genai"), {
      name: "chat gpt-4o-mini",
      start: 2000,
      end: 2100,
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.conversation.id": "faq-7",
        "gen_ai.agent.name": "faq",
        "gen_ai.usage.input_tokens": 90,
        "gen_ai.usage.output_tokens": 9,
      },
    });
    logs.getLogger("genai").emit({
      eventName: "gen_ai.client.inference.operation.details",
      timestamp: T0 + 2100,
      attributes: {
        "gen_ai.conversation.id": "faq-7",
        "gen_ai.input.messages": [{ role: "user", parts: [{ type: "text", content: "Do you ship to Norway?" }] }],
        "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Yes, in 3 to 5 days." }] }],
      },
      context: trace.setSpanContext(context.active(), chat.spanContext()),
    });
    await provider.forceFlush();
    await logs.forceFlush();
    await provider.shutdown();
    await logs.shutdown();

    const view = await session(server, "faq", "faq-7");
    expect(conversation(view)).toEqual([
      ["user", "text", "Do you ship to Norway?"],
      ["assistant", "text", "Yes, in 3 to 5 days."],
    ]);
    expect(view.run).toMatchObject({
      status: "success",
      models: ["openai/gpt-4o-mini"],
      tokens: { input: 90, output: 9 },
    });
  });
});
