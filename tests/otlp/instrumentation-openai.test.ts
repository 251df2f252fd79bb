/**
 * `@opentelemetry/instrumentation-openai` around the real `openai` client, calling the test model
 * server, with content captured as log events, exported through batch processors of a few items
 * per request. The app's `invoke_agent` span carries the conversation id and the agent's name; the
 * library's `chat` spans and its log events do not, and they end (and are exported) before it.
 * Every call re-sends the whole history as one log event per message.
 */

import { startTestServer, type TestServer } from "@keystroke/server/testing";
import { context, trace } from "@opentelemetry/api";
import { type ModelServer, startModelServer } from "keystroke/testing";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { instrumentOpenAI } from "./support/openai-instrumentation.js";
import { conversation, session } from "./support/spans.js";
import { loggerProvider, tracerProvider } from "./support/tracing.js";

const TURNS = 30;

let server: TestServer;
let models: ModelServer;
beforeAll(async () => {
  server = await startTestServer();
  models = await startModelServer((request) => {
    const asked = request.messages.filter((m) => m.role === "user").at(-1)?.text ?? "";
    return { text: `Answer to ${asked}`, usage: { inputTokens: 410, outputTokens: 20 } };
  });
});
afterAll(async () => {
  await models.close();
  await server.close();
});

it(`${TURNS} turns become one session named after the agent, with every message and token once`, async () => {
  const options = { service: "concierge-service", batchSize: 3 };
  const tracing = tracerProvider(server.url, options);
  const logging = loggerProvider(server.url, options);
  const instrumentation = instrumentOpenAI(tracing, logging);

  const client = new OpenAI({ baseURL: `${models.url}/v1`, apiKey: "test" });
  const tracer = tracing.getTracer("concierge");
  const history: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "system", content: "You are terse." }];
  for (let turn = 1; turn <= TURNS; turn++) {
    history.push({ role: "user", content: `question ${turn}?` });
    const agent = tracer.startSpan("invoke_agent Concierge", {
      attributes: {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "Concierge",
        "gen_ai.conversation.id": "conv-30-turns",
      },
    });
    const reply = await context.with(trace.setSpan(context.active(), agent), () =>
      client.chat.completions.create({ model: "gpt-4o-mini", messages: history }),
    );
    history.push({ role: "assistant", content: reply.choices[0]?.message.content ?? "" });
    agent.end();
  }
  await tracing.forceFlush();
  await logging.forceFlush();
  await Promise.all([tracing.shutdown(), logging.shutdown()]);
  instrumentation.disable();

  const runs = await server.get<{ runs: { name: string; sessionId: string }[] }>("/api/history?limit=100");
  expect(runs.body.runs.map((r) => [r.name, r.sessionId])).toEqual([["Concierge", "conv-30-turns"]]);

  const view = await session(server, "concierge", "conv-30-turns");
  expect(view.run.tokens).toMatchObject({ input: TURNS * 410, output: TURNS * 20 });
  expect(view.run.status).toBe("success");
  const expected = [["system", "text", "You are terse."]];
  for (let turn = 1; turn <= TURNS; turn++) {
    expected.push(["user", "text", `question ${turn}?`], ["assistant", "text", `Answer to question ${turn}?`]);
  }
  expect(conversation(view)).toEqual(expected);
  expect(view.trace.spans.items).toHaveLength(2 * TURNS);

  // Each message's log event once: the system prompt, the questions and the answers, not the
  // history every call re-sent (960 records).
  const runId = String(view.run.runId);
  const detail = await server.get<{ trace: { logs: { items: unknown[] } } }>(
    `/api/history/${runId}?include=trace&logsLimit=1000`,
  );
  expect(detail.body.trace.logs.items).toHaveLength(1 + 2 * TURNS);

  // The case this is about happened: turns that first came without their root were filed apart
  // and then moved into the session.
  const events = await server.store.readEvents(runId, 0, 100_000);
  expect(events.filter((e) => e.type === "run.absorbed").length).toBeGreaterThan(0);
});
