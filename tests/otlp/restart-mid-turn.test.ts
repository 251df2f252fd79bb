/**
 * A server that stops in the middle of a turn: the model call came first (filed under a run of
 * its own when only the root span names the conversation); the root comes to the server started
 * again on the same database. The turn still lands in the conversation's run, with its messages
 * and no stray run left, whether the server was stopped (SIGTERM, which writes what it held) or
 * killed (SIGKILL: the next server reads back what it held from the spans and GenAI log records
 * in the store).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertBuilt } from "@keystroke/cli/testing";
import { context, type Span, trace } from "@opentelemetry/api";
import type { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { type ModelServer, startModelServer } from "keystroke/testing";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instrumentOpenAI } from "./support/openai-instrumentation.js";
import { serveProcesses } from "./support/serve-processes.js";
import { modelCallBeforeRoot, T0 } from "./support/spans.js";
import { loggerProvider, tracerProvider } from "./support/tracing.js";

interface Row {
  runId: string;
  name: string;
  status: string;
  tokens: { input: number; output: number };
}

interface Session {
  run: Row;
  messages: { items: { role: string; parts: { type: string; text?: string }[] }[] };
  trace: { spans: { items: { name: string }[] } };
}

let dir: string;
let models: ModelServer;
const processes = serveProcesses();
const serve = processes.serve;

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), "keystroke-restart-turn-"));
  models = await startModelServer((request) => ({
    text: `Answer to ${request.messages.filter((m) => m.role === "user").at(-1)?.text ?? ""}`,
    usage: { inputTokens: 150, outputTokens: 12 },
  }));
});

afterAll(async () => {
  await models.close();
  await processes.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The app's tracer and logger, exporting to `url`, and instrumentation-openai around the `openai`
 * client: nothing goes out but by the tests' flushes.
 */
function instrumentedApp(url: string) {
  const options = { service: "travel-service", delayMs: 60_000 };
  const tracing = tracerProvider(url, options);
  const logging = loggerProvider(url, options);
  return { tracing, logging, instrumentation: instrumentOpenAI(tracing, logging) };
}

/**
 * One turn of a trip-planning conversation through instrumentation-openai: only the app's root
 * span names the conversation and the agent; each model call re-sends the whole `history` as log
 * records. `calls` model calls, each asked `question`. Returns the root, still open.
 */
async function tripTurn(
  tracing: NodeTracerProvider,
  history: OpenAI.Chat.ChatCompletionMessageParam[],
  conversationId: string,
  question: string,
  calls = 1,
): Promise<Span> {
  const client = new OpenAI({ baseURL: `${models.url}/v1`, apiKey: "test" });
  const root = tracing.getTracer("app").startSpan("invoke_agent Trip Planner", {
    attributes: {
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "Trip Planner",
      "gen_ai.conversation.id": conversationId,
    },
  });
  for (let call = 0; call < calls; call++) {
    history.push({ role: "user", content: question });
    const answer = await context.with(trace.setSpan(context.active(), root), () =>
      client.chat.completions.create({ model: "gpt-4o-mini", messages: history }),
    );
    history.push({ role: "assistant", content: answer.choices[0]?.message.content ?? "" });
  }
  return root;
}

async function get<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

describe.each([
  ["stopped", "SIGTERM"],
  ["killed", "SIGKILL"],
] as const)("a server %s between a turn's model call and its root span", (_how, signal) => {
  it("files the turn under the conversation's run, and leaves no run of its own", async () => {
    const db = join(dir, `${signal}.db`);
    const first = await serve(db);
    const port = new URL(first.url).port;
    const provider = tracerProvider(first.url, { service: "travel-service" });
    const tracer = provider.getTracer("app");
    const root = modelCallBeforeRoot(tracer, {
      "gen_ai.input.messages": JSON.stringify([
        { role: "user", parts: [{ type: "text", content: "A train to Lyon on Friday?" }] },
      ]),
      "gen_ai.output.messages": JSON.stringify([
        { role: "assistant", parts: [{ type: "text", content: "The 9:04 from Paris Gare de Lyon." }] },
      ]),
    });
    await provider.forceFlush();
    const before = await get<{ runs: Row[] }>(`${first.url}/api/history`);
    expect(before.runs.map((r) => r.name)).toEqual(["travel-service"]);
    const provisional = before.runs[0]?.runId as string;

    first.child.kill(signal);
    await first.exited;
    // Same port, so the app's exporter finds the server again.
    const second = await serve(db, port);

    root.setAttributes({ "gen_ai.conversation.id": "trip-12", "gen_ai.agent.name": "Trip Planner" });
    root.end(T0 + 1000);
    await provider.forceFlush();
    await provider.shutdown();

    const after = await get<{ runs: Row[] }>(`${second.url}/api/history`);
    expect(after.runs.map((r) => r.name)).toEqual(["Trip Planner"]);
    const view = await get<Session>(`${second.url}/api/agents/trip-planner/sessions/trip-12?include=messages,trace`);
    expect(view.run.tokens).toMatchObject({ input: 120, output: 8 });
    expect(view.run.status).toBe("success");
    expect(view.trace.spans.items.map((s) => s.name).sort()).toEqual(["chat gpt-4o-mini", "invoke_agent"]);
    expect((await fetch(`${second.url}/api/history/${provisional}`)).status).toBe(404);
    // What the first server held of the conversation was written at the stop (SIGTERM), or is
    // read back from the model call's span (SIGKILL): either way it is the session's.
    const said = view.messages.items.map((m) => [m.role, m.parts.map((p) => p.text).join("")]);
    expect(said).toEqual([
      ["user", "A train to Lyon on Friday?"],
      ["assistant", "The 9:04 from Paris Gare de Lyon."],
    ]);
  });
});

it("keeps the conversation of a turn in flight when the server is killed, though every span names the conversation", async () => {
  const db = join(dir, "known-conversation.db");
  const first = await serve(db);
  const port = new URL(first.url).port;
  const provider = tracerProvider(first.url, { service: "travel-service" });
  const turn = { "gen_ai.conversation.id": "trip-13", "gen_ai.agent.name": "Trip Planner" };
  const root = modelCallBeforeRoot(provider.getTracer("app"), {
    ...turn,
    "gen_ai.input.messages": JSON.stringify([
      { role: "user", parts: [{ type: "text", content: "And back on Sunday?" }] },
    ]),
    "gen_ai.output.messages": JSON.stringify([
      { role: "assistant", parts: [{ type: "text", content: "The 18:56 from Lyon Part-Dieu." }] },
    ]),
  });
  await provider.forceFlush();
  // The model call is written at once; its conversation waits in memory for the turn's root.
  const waiting = await get<Session>(`${first.url}/api/agents/trip-planner/sessions/trip-13?include=messages`);
  expect(waiting.messages.items).toEqual([]);

  first.child.kill("SIGKILL");
  await first.exited;
  const second = await serve(db, port);
  root.setAttributes(turn);
  root.end(T0 + 1000);
  await provider.forceFlush();
  await provider.shutdown();

  const view = await get<Session>(`${second.url}/api/agents/trip-planner/sessions/trip-13?include=messages,trace`);
  expect(view.messages.items.map((m) => [m.role, m.parts.map((p) => p.text).join("")])).toEqual([
    ["user", "And back on Sunday?"],
    ["assistant", "The 18:56 from Lyon Part-Dieu."],
  ]);
  expect(view.run.tokens).toMatchObject({ input: 120, output: 8 });
  expect(view.run.status).toBe("success");
  expect((await get<{ runs: Row[] }>(`${second.url}/api/history`)).runs).toHaveLength(1);
});

it.each([
  ["stopped", "SIGTERM"],
  ["killed", "SIGKILL"],
] as const)(
  "keeps the messages a model call sent as log records (instrumentation-openai) when the server is %s before the turn's root",
  async (_how, signal) => {
    const db = join(dir, `log-records-${signal}.db`);
    const first = await serve(db);
    const port = new URL(first.url).port;
    const { tracing, logging, instrumentation } = instrumentedApp(first.url);
    const history: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "system", content: "You plan trips." }];
    // In a turn of two calls the user says the same words twice.
    const turn = (question: string, calls = 1) => tripTurn(tracing, history, "trip-14", question, calls);
    (await turn("A night train to Vienna?")).end();
    await logging.forceFlush();
    await tracing.forceFlush();
    // The second turn's root ends after the restart. A running app's log processor exports
    // before its span processor.
    const root = await turn("And a couchette?", 2);
    await logging.forceFlush();
    await tracing.forceFlush();
    const held = await get<{ runs: Row[] }>(`${first.url}/api/history`);
    expect(held.runs.map((r) => r.name).sort()).toEqual(["Trip Planner", "travel-service"]);

    first.child.kill(signal);
    await first.exited;
    const second = await serve(db, port);
    root.end();
    await tracing.shutdown();
    await logging.shutdown();
    instrumentation.disable();

    const view = await get<Session>(`${second.url}/api/agents/trip-planner/sessions/trip-14?include=messages,trace`);
    expect(view.messages.items.map((m) => [m.role, m.parts.map((p) => p.text).join("")])).toEqual([
      ["system", "You plan trips."],
      ["user", "A night train to Vienna?"],
      ["assistant", "Answer to A night train to Vienna?"],
      ["user", "And a couchette?"],
      ["assistant", "Answer to And a couchette?"],
      ["user", "And a couchette?"],
      ["assistant", "Answer to And a couchette?"],
    ]);
    expect(view.run.tokens).toMatchObject({ input: 450, output: 36 });
    expect(view.run.status).toBe("success");
    expect((await get<{ runs: Row[] }>(`${second.url}/api/history`)).runs.map((r) => r.name)).toEqual(["Trip Planner"]);
  },
);

it.each([
  ["stopped", "SIGTERM"],
  ["killed", "SIGKILL"],
] as const)(
  "files a finished turn's log records that come only after the server was %s under the conversation's run",
  async (_how, signal) => {
    const db = join(dir, `late-records-${signal}.db`);
    const first = await serve(db);
    const port = new URL(first.url).port;
    const { tracing, logging, instrumentation } = instrumentedApp(first.url);
    const history: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "system", content: "You plan trips." }];
    const turn = async (question: string) => (await tripTurn(tracing, history, "trip-15", question)).end();
    await turn("A night train to Vienna?");
    await logging.forceFlush();
    await tracing.forceFlush();
    // The second turn ends, its spans (root included) reach the server, and the server goes
    // before its log records do: they come to the server started again (an exporter retrying,
    // or an app that flushes its tracer before its logger).
    await turn("And a couchette?");
    await tracing.forceFlush();
    first.child.kill(signal);
    await first.exited;
    const second = await serve(db, port);
    await logging.forceFlush();
    await tracing.shutdown();
    await logging.shutdown();
    instrumentation.disable();

    const runs = await get<{ runs: Row[] }>(`${second.url}/api/history`);
    expect(runs.runs.map((r) => r.name)).toEqual(["Trip Planner"]);
    const view = await get<Session>(`${second.url}/api/agents/trip-planner/sessions/trip-15?include=messages,trace`);
    expect(view.messages.items.map((m) => [m.role, m.parts.map((p) => p.text).join("")])).toEqual([
      ["system", "You plan trips."],
      ["user", "A night train to Vienna?"],
      ["assistant", "Answer to A night train to Vienna?"],
      ["user", "And a couchette?"],
      ["assistant", "Answer to And a couchette?"],
    ]);
    expect(view.run.tokens).toMatchObject({ input: 300, output: 24 });
    expect(view.run.status).toBe("success");
  },
);
