/**
 * `@opentelemetry/instrumentation-openai` around the real `openai` client in a conversation whose
 * assistant says the same words every turn, exported a few log records a request: each call's
 * input (the whole history, one record a message) is split over requests, and its answer
 * (`gen_ai.choice`) comes in a later one. Every turn's answer is its own message. Then the same
 * with the server killed (`kill -9`) in the middle of a turn and between turns, started again on
 * the same database and port while the app's exporters keep sending.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertBuilt } from "@keystroke/cli/testing";
import { context, trace } from "@opentelemetry/api";
import { type ModelServer, startModelServer } from "keystroke/testing";
import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { instrumentOpenAI } from "./support/openai-instrumentation.js";
import { serveProcesses } from "./support/serve-processes.js";
import { loggerProvider, tracerProvider } from "./support/tracing.js";
import { weatherModel } from "./support/weather-model.js";

const CITIES = ["Lima", "Oslo", "Rome", "Pune", "Suva", "Bern"];

let dir: string;
let models: ModelServer;
const processes = serveProcesses();
const serve = processes.serve;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), "keystroke-repeats-"));
  models = await startModelServer(weatherModel(() => "It is sunny."));
});

afterAll(async () => {
  await models.close();
  await processes.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Six turns of one conversation, each a tool round trip of two model calls; `restart(turn, mid)`
 * may stop the server and start it again (mid-turn: between the two calls).
 */
async function converse(
  url: string,
  batchSize: number,
  restart: (turn: number, midTurn: boolean) => Promise<void> = async () => {},
): Promise<void> {
  const options = { service: "weather-service", batchSize };
  const tracing = tracerProvider(url, options);
  const logging = loggerProvider(url, options);
  const instrumentation = instrumentOpenAI(tracing, logging);
  try {
    const client = new OpenAI({ baseURL: `${models.url}/v1`, apiKey: "test" });
    const tools: OpenAI.Chat.ChatCompletionTool[] = [
      { type: "function", function: { name: "weather", parameters: { type: "object", properties: {} } } },
    ];
    const history: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "system", content: "Be brief." }];
    for (const [turn, city] of CITIES.entries()) {
      const root = tracing.getTracer("weather-app").startSpan("invoke_agent Weather Desk", {
        attributes: {
          "gen_ai.operation.name": "invoke_agent",
          "gen_ai.agent.name": "Weather Desk",
          "gen_ai.conversation.id": "weather-week",
        },
      });
      await context.with(trace.setSpan(context.active(), root), async () => {
        history.push({ role: "user", content: `Weather in ${city}?` });
        const first = await client.chat.completions.create({ model: "gpt-4o-mini", messages: history, tools });
        const asked = first.choices[0]?.message as OpenAI.Chat.ChatCompletionMessage;
        const call = asked.tool_calls?.[0] as OpenAI.Chat.ChatCompletionMessageFunctionToolCall;
        history.push(asked as OpenAI.Chat.ChatCompletionMessageParam);
        history.push({ role: "tool", tool_call_id: call.id, content: "sunny" });
        await restart(turn, true);
        const second = await client.chat.completions.create({ model: "gpt-4o-mini", messages: history, tools });
        history.push({ role: "assistant", content: second.choices[0]?.message.content ?? "" });
      });
      root.end();
      await restart(turn, false);
    }
    await tracing.forceFlush();
    await logging.forceFlush();
  } finally {
    await Promise.all([tracing.shutdown(), logging.shutdown()]);
    instrumentation.disable();
  }
}

async function expectTheWholeConversation(url: string): Promise<void> {
  const history = (await (await fetch(`${url}/api/history?limit=100`)).json()) as { runs: { name: string }[] };
  expect(history.runs.map((r) => r.name)).toEqual(["Weather Desk"]);
  const view = (await (
    await fetch(`${url}/api/agents/weather-desk/sessions/weather-week?include=messages&messagesLimit=500`)
  ).json()) as {
    run: { tokens: { input: number; output: number } };
    messages: { items: { role: string; parts: { type: string; text?: string; name?: string }[] }[] };
  };
  const said = view.messages.items.map((m) => [
    m.role,
    m.parts.map((p) => (p.type === "text" ? p.text : p.type === "tool_call" ? `${p.type} ${p.name}` : p.type)).join(),
  ]);
  expect(said).toEqual([
    ["system", "Be brief."],
    ...CITIES.flatMap((city) => [
      ["user", `Weather in ${city}?`],
      ["assistant", "tool_call weather"],
      ["assistant", "tool_result"],
      ["assistant", "It is sunny."],
    ]),
  ]);
  expect(view.run.tokens).toMatchObject({ input: CITIES.length * 550, output: CITIES.length * 24 });
}

it.each([1, 3])("keeps every turn's answer, said in the same words, with %i log records a request", async (batch) => {
  const server = await serve(join(dir, `batch-${batch}.db`));
  await converse(server.url, batch);
  await expectTheWholeConversation(server.url);
});

it("keeps every message once when the server is killed in the middle of a turn and between turns", async () => {
  const db = join(dir, "killed.db");
  let server = await serve(db);
  const port = new URL(server.url).port;
  await converse(server.url, 2, async (turn, midTurn) => {
    if ((turn === 1 && midTurn) || (turn === 3 && !midTurn)) {
      server.child.kill("SIGKILL");
      await server.exited;
      // The app's exporters retry what the killed server did not answer.
      server = await serve(db, port);
    }
  });
  await expectTheWholeConversation(server.url);
});
