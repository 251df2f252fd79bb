/**
 * `@opentelemetry/instrumentation-openai` around the real `openai` client's Responses API
 * (`client.responses.create`), calling the test model server, streamed and not. The library
 * sends each call's content as two `gen_ai.client.inference.operation.details` log records: its
 * whole input (instructions apart) as a structured `gen_ai.input.messages` attribute, and then its
 * output. The app's `invoke_agent` span carries the conversation id; batch processors of three
 * items per request make the model calls and their records come before it.
 */
import { startTestServer, type TestServer } from "@keystroke/server/testing";
import { context, trace } from "@opentelemetry/api";
import { type ModelServer, startModelServer } from "keystroke/testing";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { instrumentOpenAI } from "./support/openai-instrumentation.js";
import { conversation, session } from "./support/spans.js";
import { loggerProvider, tracerProvider } from "./support/tracing.js";
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

type Response = OpenAI.Responses.Response;

it.each([
  ["not streamed", false],
  ["streamed", true],
])("two tool round trips through the Responses API, %s, are one session with every message once", async (_, stream) => {
  const conversationId = `weather-${stream ? "streamed" : "plain"}`;
  const options = { service: "weather-service", batchSize: 3 };
  const tracing = tracerProvider(server.url, options);
  const logging = loggerProvider(server.url, options);
  const instrumentation = instrumentOpenAI(tracing, logging);
  try {
    const client = new OpenAI({ baseURL: `${models.url}/v1`, apiKey: "test" });
    const tools: OpenAI.Responses.Tool[] = [
      { type: "function", name: "weather", parameters: { type: "object", properties: {} }, strict: false },
    ];
    const input: OpenAI.Responses.ResponseInputItem[] = [];
    const ask = async (): Promise<Response> => {
      const request = { model: "gpt-4o-mini", instructions: "Be brief.", input, tools };
      if (!stream) return client.responses.create(request);
      let completed: Response | undefined;
      for await (const event of await client.responses.create({ ...request, stream: true })) {
        if (event.type === "response.completed") completed = event.response;
      }
      if (completed === undefined) throw new Error("the stream ended without response.completed");
      return completed;
    };
    const tracer = tracing.getTracer("weather-app");
    for (const [city, weather] of [
      ["Lima", "sunny"],
      ["Oslo", "snowing"],
    ]) {
      const agent = tracer.startSpan("invoke_agent Weather Desk", {
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "Weather Desk",
          "gen_ai.conversation.id": conversationId,
        },
      });
      await context.with(trace.setSpan(context.active(), agent), async () => {
        input.push({ role: "user", content: `Weather in ${city}?` });
        const first = await ask();
        const call = first.output.find((item) => item.type === "function_call");
        if (call === undefined) throw new Error("the model called no tool");
        input.push(...(first.output as OpenAI.Responses.ResponseInputItem[]));
        input.push({ type: "function_call_output", call_id: call.call_id, output: weather as string });
        const second = await ask();
        input.push(...(second.output as OpenAI.Responses.ResponseInputItem[]));
      });
      agent.end();
    }
    await tracing.forceFlush();
    await logging.forceFlush();
  } finally {
    await Promise.all([tracing.shutdown(), logging.shutdown()]);
    instrumentation.disable();
  }

  const runs = await server.get<{ runs: { name: string; sessionId: string }[] }>("/api/history?limit=100");
  expect(runs.body.runs.filter((r) => r.sessionId === conversationId).map((r) => r.name)).toEqual(["Weather Desk"]);
  expect(runs.body.runs.map((r) => r.name)).not.toContain("weather-service");

  const view = await session(server, "weather-desk", conversationId);
  expect(conversation(view)).toEqual([
    ["system", "text", "Be brief."],
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
  expect(view.run.status).toBe("success");
  expect(view.trace.spans.items).toHaveLength(6);
  // Each call's two records, once each.
  const detail = await server.get<{ trace: { logs: { items: unknown[] } } }>(
    `/api/history/${view.run.runId}?include=trace&logsLimit=1000`,
  );
  expect(detail.body.trace.logs.items).toHaveLength(8);
});
