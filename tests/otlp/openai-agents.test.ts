/**
 * The OpenAI Agents SDK (agents-core 0.20, which loads on Node 20) running a real agent loop —
 * a model that calls a tool, the tool, the reply — with Keystroke's TracingProcessor installed:
 * the SDK's own trace, agent, generation and function spans arrive at the receiver and read back
 * as a session with the conversation, tool call, tokens and cost. The model is scripted inside a
 * generation span, as the SDK's model adapters do.
 */

import { startTestServer, type TestServer } from "@keystroke/server/testing";
import {
  Agent,
  type Model,
  type ModelRequest,
  type ModelResponse,
  Runner,
  setTraceProcessors,
  setTracingDisabled,
  tool,
  Usage,
  withGenerationSpan,
} from "@openai/agents-core";
import { KeystrokeProcessor } from "keystroke/openai-agents";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { conversation, session } from "./support/spans.js";

let server: TestServer;
let processor: KeystrokeProcessor;
const errors: Error[] = [];

beforeAll(async () => {
  server = await startTestServer();
  processor = new KeystrokeProcessor({ url: server.url, project: "agents-sdk", onError: (e) => errors.push(e) });
  setTracingDisabled(false);
  setTraceProcessors([processor]);
});
afterAll(() => server.close());

/** Calls the weather tool first, then answers with what it returned. */
class ScriptedModel implements Model {
  private calls = 0;

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const step = this.calls++;
    return withGenerationSpan(async (span) => {
      const output: ModelResponse["output"] =
        step === 0
          ? [
              {
                type: "function_call",
                callId: "call_w1",
                name: "get_weather",
                arguments: '{"city":"Lisbon"}',
                status: "completed",
              },
            ]
          : [
              {
                type: "message",
                role: "assistant",
                status: "completed",
                content: [{ type: "output_text", text: "It is sunny in Lisbon, 24°C." }],
              },
            ];
      const usage = step === 0 ? { input_tokens: 300, output_tokens: 20 } : { input_tokens: 380, output_tokens: 15 };
      span.spanData.model = "gpt-4o";
      span.spanData.input =
        typeof request.input === "string" ? [{ role: "user", content: request.input }] : (request.input as never);
      span.spanData.output = output.map((item) =>
        item.type === "function_call"
          ? { type: "function_call", call_id: item.callId, name: item.name, arguments: item.arguments }
          : item,
      );
      span.spanData.usage = usage;
      return {
        output,
        usage: new Usage({
          inputTokens: usage.input_tokens,
          outputTokens: usage.output_tokens,
          totalTokens: 0,
          requests: 1,
        }),
      };
    });
  }

  // biome-ignore lint/correctness/useYield: the scripted model does not stream
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error("not streamed in this test");
  }
}

it("an agent run traced by the SDK becomes a Keystroke session", async () => {
  const agent = new Agent({
    name: "Weather Agent",
    instructions: "Answer with the weather.",
    model: new ScriptedModel(),
    tools: [
      tool({
        name: "get_weather",
        description: "Weather of a city",
        parameters: z.object({ city: z.string() }),
        execute: async ({ city }) => ({ city, sky: "sunny", celsius: 24 }),
      }),
    ],
  });
  const runner = new Runner({
    groupId: "chat-123",
    workflowName: "Weather workflow",
    traceMetadata: { user_id: "ines" },
  });
  const result = await runner.run(agent, "What's the weather in Lisbon?");
  expect(result.finalOutput).toBe("It is sunny in Lisbon, 24°C.");
  await processor.forceFlush();
  expect(errors).toEqual([]);

  const view = await session(server, "weather-agent", "chat-123", "agents-sdk");
  expect(conversation(view)).toEqual([
    ["user", "text", "What's the weather in Lisbon?"],
    ["assistant", "tool_call", "get_weather"],
    ["assistant", "tool_result", "get_weather"],
    ["assistant", "text", "It is sunny in Lisbon, 24°C."],
  ]);
  const parts = view.messages.items.flatMap((m) => m.parts);
  expect(parts).toContainEqual({
    type: "tool_call",
    id: "call_w1",
    name: "get_weather",
    arguments: { city: "Lisbon" },
  });
  expect(parts).toContainEqual(
    expect.objectContaining({
      type: "tool_result",
      id: "call_w1",
      result: { city: "Lisbon", sky: "sunny", celsius: 24 },
    }),
  );
  expect(view.run).toMatchObject({
    name: "Weather Agent",
    status: "success",
    actor: { type: "user", id: "ines" },
    models: ["openai/gpt-4o"],
    tokens: { input: 680, output: 35 },
  });
  expect(view.run.totalCost).toBeGreaterThan(0);
  expect(view.trace.spans.items.map((s) => s.name)).toEqual(
    expect.arrayContaining(["invoke_agent Weather Agent", "chat gpt-4o", "execute_tool get_weather"]),
  );
});
