/**
 * JSON nested thousands of levels deep inside a string attribute — a model's tool-call arguments,
 * a tool span's arguments, a message log record's body — is not something the OTLP decoders see
 * (to them it is a string), but the mapping reads such strings as JSON. Parsed, the depth went
 * into the run's events: the request failed with a 500 (the store's JSON.stringify overflowed the
 * stack), or, a little shallower, was taken and left a run whose conversation could never be read
 * again. Such a string is kept as the string it came as: the request is taken and the run reads
 * back whole over the API.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  jsonHeaders as json,
  type OtlpTestServer,
  post,
  protobufHeaders as proto,
  startOtlpTestServer,
  T0,
  testSpan,
  tracesBody,
} from "../testing/otlp-test-server.js";

/** Past where the store's JSON.stringify and the readers overflow the stack (about 4,000 levels). */
const deep = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;

let server: OtlpTestServer;
beforeAll(async () => {
  server = await startOtlpTestServer();
});
afterAll(() => server.close());

interface MessageView {
  role: string;
  parts: { type: string; text?: string; name?: string; arguments?: unknown; result?: unknown }[];
}

/** The conversation of the run of `conversationId`, read as the History page reads it. */
async function conversation(conversationId: string): Promise<MessageView[]> {
  const list = (await (await fetch(`${server.url}/api/history?limit=200`)).json()) as {
    runs: { runId: string; sessionId: string }[];
  };
  const run = list.runs.find((r) => r.sessionId === conversationId);
  expect(run, `a run for ${conversationId}`).toBeDefined();
  const response = await fetch(`${server.url}/api/history/${run?.runId}?include=messages`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: { items: MessageView[] } }).messages.items;
}

/** `value` told apart from `sent` without printing either whole (they are tens of kilobytes). */
const asSent = (value: unknown, sent: string) =>
  value === sent ? "the string sent" : `${typeof value} ${JSON.stringify(value)?.slice(0, 80)}…`;

const traceId = (n: number) => n.toString(16).padStart(32, "0");

it("keeps a model's tool-call arguments nested 20,000 levels deep as the string they came as", async () => {
  const args = deep(20_000);
  const span = testSpan(1, {
    traceId: traceId(1),
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.conversation.id": "deep-chat",
      "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Dig" }] }]),
      "gen_ai.output.messages": JSON.stringify([
        { role: "assistant", tool_calls: [{ id: "call-1", function: { name: "dig", arguments: args } }] },
      ]),
    },
  });
  const response = await post(`${server.url}/v1/traces`, tracesBody([span]), proto);
  expect(response.status).toBe(200);
  const messages = await conversation("deep-chat");
  expect(messages.map((m) => m.parts[0]?.text ?? m.parts[0]?.type)).toEqual(["Dig", "tool_call"]);
  expect(messages[1]?.parts[0]).toMatchObject({ type: "tool_call", name: "dig" });
  expect(asSent(messages[1]?.parts[0]?.arguments, args)).toBe("the string sent");
});

it("keeps a tool span's arguments and result nested 20,000 levels deep as strings, over JSON too", async () => {
  const args = deep(20_000);
  const result = `{"rows":${deep(20_000)}}`;
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "deep-tools" } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: traceId(2),
                spanId: "00000000000000a1",
                name: "execute_tool dig",
                kind: 1,
                startTimeUnixNano: String(T0 * 1e6),
                endTimeUnixNano: String((T0 + 5) * 1e6),
                attributes: [
                  { key: "gen_ai.operation.name", value: { stringValue: "execute_tool" } },
                  { key: "gen_ai.conversation.id", value: { stringValue: "deep-tool" } },
                  { key: "gen_ai.tool.name", value: { stringValue: "dig" } },
                  { key: "gen_ai.tool.call.id", value: { stringValue: "call-2" } },
                  { key: "gen_ai.tool.call.arguments", value: { stringValue: args } },
                  { key: "gen_ai.tool.call.result", value: { stringValue: result } },
                ],
                status: { code: 0 },
              },
            ],
          },
        ],
      },
    ],
  };
  const response = await post(`${server.url}/v1/traces`, JSON.stringify(body), json);
  expect(response.status).toBe(200);
  const messages = await conversation("deep-tool");
  expect(messages.map((m) => m.parts[0]?.type)).toEqual(["tool_call", "tool_result"]);
  expect(asSent(messages[0]?.parts[0]?.arguments, args)).toBe("the string sent");
  expect(asSent(messages[1]?.parts[0]?.result, result)).toBe("the string sent");
});

it("keeps a message log record whose body nests 50,000 levels deep as the text it came as", async () => {
  // The arguments are nested inside the body's JSON itself, not a string of their own.
  const text = `{"content":"Dig","tool_calls":[{"id":"c","function":{"name":"dig","arguments":${deep(50_000)}}}]}`;
  const body = JSON.stringify({
    resourceLogs: [
      {
        scopeLogs: [
          {
            logRecords: [
              {
                timeUnixNano: String(T0 * 1e6),
                eventName: "gen_ai.user.message",
                body: { stringValue: text },
                attributes: [{ key: "gen_ai.conversation.id", value: { stringValue: "deep-log" } }],
              },
            ],
          },
        ],
      },
    ],
  });
  const response = await post(`${server.url}/v1/logs`, body, json);
  expect(response.status).toBe(200);
  const messages = await conversation("deep-log");
  expect(messages.map((m) => [m.role, m.parts.length, m.parts[0]?.type])).toEqual([["user", 1, "text"]]);
  expect(asSent(messages[0]?.parts[0]?.text, text)).toBe("the string sent");
});
