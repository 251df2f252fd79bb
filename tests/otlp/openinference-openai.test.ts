/**
 * `@arizeai/openinference-instrumentation-openai` around the real `openai` client, calling the
 * test model server, with `session.id` set through OpenInference's context and no parent span:
 * each model call is a trace of its own. A tool round trip is two calls, and the second repeats
 * the user's question (and the tool call) as history; the session holds them once.
 */
import { setSession } from "@arizeai/openinference-core";
import { OpenAIInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { startTestServer, type TestServer } from "@keystroke/server/testing";
import { context } from "@opentelemetry/api";
import { type ModelServer, startModelServer } from "keystroke/testing";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { conversation, session } from "./support/spans.js";
import { tracerProvider } from "./support/tracing.js";
import { weatherModel } from "./support/weather-model.js";

let server: TestServer;
let models: ModelServer;
beforeAll(async () => {
  server = await startTestServer();
  models = await startModelServer(weatherModel());
});
afterAll(async () => {
  await models.close();
  await server.close();
});

it("tool round trips of one session, a trace per call, add each question once", async () => {
  const tracing = tracerProvider(server.url, { service: "weather-bot", batchSize: 2 });
  const instrumentation = new OpenAIInstrumentation({ tracerProvider: tracing });
  instrumentation.manuallyInstrument({ OpenAI } as never);

  const client = new OpenAI({ baseURL: `${models.url}/v1`, apiKey: "test" });
  const tools: OpenAI.Chat.ChatCompletionTool[] = [
    { type: "function", function: { name: "weather", parameters: { type: "object", properties: {} } } },
  ];
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
  await context.with(setSession(context.active(), { sessionId: "weather-1" }), async () => {
    for (const city of ["Lima", "Oslo"]) {
      messages.push({ role: "user", content: `Weather in ${city}?` });
      const first = await client.chat.completions.create({ model: "gpt-4o-mini", messages, tools });
      const call = first.choices[0]?.message.tool_calls?.[0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
      messages.push(first.choices[0]?.message as OpenAI.Chat.ChatCompletionMessageParam);
      messages.push({ role: "tool", tool_call_id: call.id, content: city === "Lima" ? "sunny" : "snowing" });
      const second = await client.chat.completions.create({ model: "gpt-4o-mini", messages, tools });
      messages.push({ role: "assistant", content: second.choices[0]?.message.content ?? "" });
    }
  });
  await tracing.forceFlush();
  await tracing.shutdown();
  instrumentation.disable();

  const runs = await server.get<{ runs: { name: string; sessionId: string }[] }>("/api/history?limit=100");
  expect(runs.body.runs.map((r) => [r.name, r.sessionId])).toEqual([["weather-bot", "weather-1"]]);
  const view = await session(server, "weather-bot", "weather-1");
  expect(conversation(view)).toEqual([
    ["user", "text", "Weather in Lima?"],
    ["assistant", "tool_call", "weather"],
    ["assistant", "tool_result", ""],
    ["assistant", "text", "It is sunny there."],
    ["user", "text", "Weather in Oslo?"],
    ["assistant", "tool_call", "weather"],
    ["assistant", "tool_result", ""],
    ["assistant", "text", "It is snowing there."],
  ]);
  expect(view.run.tokens).toMatchObject({ input: 2 * (250 + 300), output: 2 * (15 + 9) });
  expect(view.trace.spans.items).toHaveLength(4);
});
