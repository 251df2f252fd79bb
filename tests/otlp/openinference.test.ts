/**
 * Spans shaped as OpenInference instrumentation writes them (LangChain, LlamaIndex, the OpenAI
 * instrumentation): `openinference.span.kind`, flattened `llm.input_messages.{i}.message.*`,
 * `llm.token_count.*`, TOOL spans with `input.value`/`output.value`, and `session.id`/`user.id`.
 * A plain HTTP span of the same trace shows in the trace.
 */

import { startTestServer, type TestServer } from "@keystroke/server/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { conversation, emit, session } from "./support/spans.js";
import { tracerProvider } from "./support/tracing.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it("AGENT, LLM and TOOL spans become a session with messages, tool call, tokens and cost", async () => {
  const provider = tracerProvider(server.url, { service: "langchain-app", gzip: true });
  const llm = {
    "openinference.span.kind": "LLM",
    "llm.model_name": "gpt-4o",
    "llm.provider": "openai",
    "session.id": "oi-1",
  };
  emit(provider.getTracer("openinference"), {
    name: "OrderAgent",
    start: 0,
    end: 400,
    attributes: {
      "openinference.span.kind": "AGENT",
      "agent.name": "Order Agent",
      "session.id": "oi-1",
      "user.id": "lin",
      "input.value": "What's the status of order 7?",
      "input.mime_type": "text/plain",
      "output.value": "Order 7 was delivered yesterday.",
    },
    children: [
      {
        name: "ChatOpenAI",
        start: 10,
        end: 100,
        attributes: {
          ...llm,
          "llm.token_count.prompt": 300,
          "llm.token_count.completion": 25,
          "llm.input_messages.0.message.role": "system",
          "llm.input_messages.0.message.content": "You track orders.",
          "llm.input_messages.1.message.role": "user",
          "llm.input_messages.1.message.content": "What's the status of order 7?",
          "llm.output_messages.0.message.role": "assistant",
          "llm.output_messages.0.message.tool_calls.0.tool_call.id": "call_7",
          "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "order_status",
          "llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments": '{"id":7}',
        },
      },
      {
        name: "order_status",
        start: 110,
        end: 200,
        attributes: {
          "openinference.span.kind": "TOOL",
          "tool.name": "order_status",
          "tool_call.id": "call_7",
          "input.value": '{"id":7}',
          "output.value": '{"status":"delivered"}',
          "session.id": "oi-1",
        },
        children: [
          {
            name: "GET /orders/7",
            start: 120,
            end: 190,
            attributes: {
              "http.request.method": "GET",
              "url.full": "https://orders.internal/orders/7",
              "http.response.status_code": 200,
            },
          },
        ],
      },
      {
        name: "ChatOpenAI",
        start: 210,
        end: 390,
        attributes: {
          ...llm,
          "llm.token_count.prompt": 340,
          "llm.token_count.completion": 12,
          "llm.input_messages.0.message.role": "system",
          "llm.input_messages.0.message.content": "You track orders.",
          "llm.input_messages.1.message.role": "user",
          "llm.input_messages.1.message.content": "What's the status of order 7?",
          "llm.input_messages.2.message.role": "tool",
          "llm.input_messages.2.message.tool_call_id": "call_7",
          "llm.input_messages.2.message.content": '{"status":"delivered"}',
          "llm.output_messages.0.message.role": "assistant",
          "llm.output_messages.0.message.content": "Order 7 was delivered yesterday.",
        },
      },
    ],
  });
  await provider.forceFlush();
  await provider.shutdown();

  const view = await session(server, "order-agent", "oi-1");
  expect(conversation(view)).toEqual([
    ["user", "text", "What's the status of order 7?"],
    ["system", "text", "You track orders."],
    ["assistant", "tool_call", "order_status"],
    ["assistant", "tool_result", "order_status"],
    ["assistant", "text", "Order 7 was delivered yesterday."],
  ]);
  const parts = view.messages.items.flatMap((m) => m.parts);
  expect(parts).toContainEqual({ type: "tool_call", id: "call_7", name: "order_status", arguments: { id: 7 } });
  expect(parts).toContainEqual({
    type: "tool_result",
    id: "call_7",
    name: "order_status",
    result: { status: "delivered" },
  });
  expect(view.run).toMatchObject({
    name: "Order Agent",
    status: "success",
    actor: { type: "user", id: "lin" },
    models: ["openai/gpt-4o"],
    tokens: { input: 640, output: 37 },
    output: "Order 7 was delivered yesterday.",
  });
  expect(view.run.totalCost).toBeGreaterThan(0);
  expect(view.trace.spans.items.map((s) => s.name)).toContain("GET /orders/7");
});
