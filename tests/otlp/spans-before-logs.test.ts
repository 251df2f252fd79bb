/**
 * `@opentelemetry/instrumentation-openai` with content captured as log events, its app recording
 * each tool call as an `execute_tool` span with arguments and result, and batch processors whose
 * delay is longer than the session: nothing is exported until the flushes at the end. Flushed
 * tracer first (as a shutdown does), every span comes before every log record, so each trace is
 * complete before any of its messages' records arrive; flushed logger first (as a running app's
 * processors usually do), the records come before the spans that complete their trace. Either
 * way the conversation reads in the order things happened, as soon as both are in: the question,
 * the model's tool call, the tool's result (named after its tool), the answer.
 */

import { startTestServer, type TestServer } from "@keystroke/server/testing";
import { context, trace } from "@opentelemetry/api";
import { type ModelServer, startModelServer } from "keystroke/testing";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { instrumentOpenAI } from "./support/openai-instrumentation.js";
import { conversation, session } from "./support/spans.js";
import { loggerProvider, tracerProvider } from "./support/tracing.js";

const TURNS = 4;

let server: TestServer;
let models: ModelServer;
beforeAll(async () => {
  server = await startTestServer();
  models = await startModelServer((request) => {
    const last = request.messages.at(-1);
    const asked = request.messages.filter((m) => m.role === "user").at(-1)?.text ?? "";
    // A question first gets a tool call; the tool's result then gets the answer.
    if (last?.role === "user") {
      return {
        toolCalls: [{ id: `call-${asked}`, name: "lookup_order", arguments: { question: asked } }],
        usage: { inputTokens: 100, outputTokens: 10 },
      };
    }
    return { text: `Answer to ${asked}`, usage: { inputTokens: 200, outputTokens: 20 } };
  });
});
afterAll(async () => {
  await models.close();
  await server.close();
});

it.each([
  // A normal shutdown: the tracer is flushed first, then the logger.
  ["spans", "log records"],
  // A long-running app: the log processor (every second by default) exports before the span
  // processor (every five).
  ["log records", "spans"],
])("%s exported before %s give the conversation in the order it happened, at once", async (first) => {
  const sessionId = `conv-${first.replace(" ", "-")}-first`;
  // Nothing goes out before the flushes below.
  const options = { service: "orders-service", delayMs: 60_000 };
  const tracing = tracerProvider(server.url, options);
  const logging = loggerProvider(server.url, options);
  const instrumentation = instrumentOpenAI(tracing, logging);

  const client = new OpenAI({ baseURL: `${models.url}/v1`, apiKey: "test" });
  const tracer = tracing.getTracer("orders");
  const history: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "system", content: "You track orders." }];
  for (let turn = 1; turn <= TURNS; turn++) {
    history.push({ role: "user", content: `where is order ${turn}?` });
    const agent = tracer.startSpan("invoke_agent Orders", {
      attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "Orders",
        "gen_ai.conversation.id": sessionId,
      },
    });
    await context.with(trace.setSpan(context.active(), agent), async () => {
      const first = await client.chat.completions.create({ model: "gpt-4o-mini", messages: history });
      const message = first.choices[0]?.message;
      const call = message?.tool_calls?.[0];
      if (message === undefined || call === undefined || call.type !== "function") throw new Error("no tool call");
      history.push(message);
      const result = JSON.stringify({ order: turn, status: "shipped" });
      tracer
        .startSpan("execute_tool lookup_order", {
          attributes: {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": call.function.name,
            "gen_ai.tool.call.id": call.id,
            "gen_ai.tool.call.arguments": call.function.arguments,
            "gen_ai.tool.call.result": result,
          },
        })
        .end();
      history.push({ role: "tool", tool_call_id: call.id, content: result });
      const second = await client.chat.completions.create({ model: "gpt-4o-mini", messages: history });
      history.push({ role: "assistant", content: second.choices[0]?.message.content ?? "" });
    });
    agent.end();
  }
  const flushes = [() => tracing.shutdown(), () => logging.shutdown()];
  for (const flush of first === "spans" ? flushes : flushes.reverse()) await flush();
  instrumentation.disable();

  const view = await session(server, "orders", sessionId);
  const expected = [["system", "text", "You track orders."]];
  for (let turn = 1; turn <= TURNS; turn++) {
    const question = `where is order ${turn}?`;
    expected.push(
      ["user", "text", question],
      ["assistant", "tool_call", "lookup_order"],
      ["assistant", "tool_result", "lookup_order"],
      ["assistant", "text", `Answer to ${question}`],
    );
  }
  expect(conversation(view)).toEqual(expected);
  expect(view.run.tokens).toMatchObject({ input: TURNS * 300, output: TURNS * 30 });
  expect(view.trace.spans.items).toHaveLength(4 * TURNS);
});
