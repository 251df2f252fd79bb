/**
 * OpenAI Responses (`POST /v1/responses`), the API `openai("model")` uses in AI SDK 6.
 * Responses are stored by default, so the client sends earlier output back as
 * `{ type: "item_reference", id }`: the format remembers every item it emitted and resolves
 * those references into the normalised history, as the real API does from its store.
 */
import type { ServerResponse } from "node:http";
import { openEventStream, pieces } from "./sse.js";
import {
  type Answer,
  argumentsText,
  BadRequestError,
  type ParsedRequest,
  parseArguments,
  recordAt,
  stringField,
  textOf,
  toolNames,
  type WireFormat,
} from "./wire-format.js";

type Item = Record<string, unknown> & { type: string; id: string };
type Message = ParsedRequest["messages"][number];

/**
 * The Responses endpoint.
 *
 * @example
 * const format = openaiResponses();
 * format.parse({ model: "gpt-5", input: "Hi" }).messages; // [{ role: "user", text: "Hi" }]
 */
export function openaiResponses(): WireFormat {
  const emitted = new Map<string, Item>();
  let served = 0;
  return {
    format: "openai-responses",
    path: "/v1/responses",
    parse: (body) => parse(body, emitted),
    answer(response, request, answer) {
      served += 1;
      const items = outputItems(answer, served);
      for (const item of items) emitted.set(item.id, item);
      const head = {
        id: `resp_${served}`,
        object: "response",
        created_at: Math.floor(Date.now() / 1000),
        model: request.model,
      };
      const done = { ...head, status: "completed", output: items, incomplete_details: null, usage: usage(answer) };
      if (request.stream) stream(response, { ...head, status: "in_progress", output: [], usage: null }, done);
      else {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(done));
      }
    },
    errorBody(status, message) {
      const type = status === 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
      return { error: { message, type, param: null, code: status === 429 ? "rate_limit_exceeded" : null } };
    },
  };
}

function parse(body: Record<string, unknown>, emitted: Map<string, Item>): ParsedRequest {
  const system = typeof body.instructions === "string" ? [body.instructions] : [];
  const messages: Message[] = [];
  const input = typeof body.input === "string" ? [{ role: "user", content: body.input }] : body.input;
  if (!Array.isArray(input)) throw new BadRequestError("input: expected a string or an array of input items");
  input.forEach((entry, index) => {
    const where = `input[${index}]`;
    let item = recordAt(entry, where);
    if (item.type === "item_reference") {
      const found = emitted.get(String(item.id));
      if (found === undefined) throw new BadRequestError(`${where}.id: no item ${String(item.id)} was emitted here`);
      item = found;
    }
    if (item.type === "function_call") {
      const call = { id: String(item.call_id), name: String(item.name), arguments: parseArguments(item.arguments) };
      const last = messages.at(-1);
      if (last?.role === "assistant") last.toolCalls = [...(last.toolCalls ?? []), call];
      else messages.push({ role: "assistant", text: "", toolCalls: [call] });
    } else if (item.type === "function_call_output") {
      messages.push({ role: "tool", text: textOf(item.output), toolCallId: String(item.call_id) });
    } else if (item.type === "reasoning") {
      return;
    } else if (item.role === "system" || item.role === "developer") {
      system.push(textOf(item.content));
    } else if (item.role === "user" || item.role === "assistant") {
      messages.push({ role: item.role, text: textOf(item.content) });
    } else {
      throw new BadRequestError(`${where}: expected a message, function_call, function_call_output or item_reference`);
    }
  });
  return {
    model: stringField(body, "model"),
    stream: body.stream === true,
    ...(system.length > 0 && { system: system.join("\n") }),
    messages,
    tools: toolNames(body, (tool) => tool.name),
  };
}

function outputItems(answer: Answer, served: number): Item[] {
  const items: Item[] = [];
  if (answer.thought !== "") {
    items.push({ type: "reasoning", id: `rs_${served}`, summary: [{ type: "summary_text", text: answer.thought }] });
  }
  if (answer.text !== "" || answer.toolCalls.length === 0) {
    items.push({
      type: "message",
      id: `msg_${served}`,
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: answer.text, annotations: [] }],
    });
  }
  answer.toolCalls.forEach((call, index) => {
    items.push({
      type: "function_call",
      id: `fc_${served}_${index}`,
      call_id: call.id,
      name: call.name,
      arguments: argumentsText(call),
      status: "completed",
    });
  });
  return items;
}

/** Streams the items of `done` as the API does: each item added, its content in deltas, then done. */
function stream(response: ServerResponse, created: Record<string, unknown>, done: { output: Item[] }): void {
  const write = openEventStream(response);
  let sequence = 0;
  const send = (type: string, fields: Record<string, unknown>) => {
    write({ type, sequence_number: sequence, ...fields }, type);
    sequence += 1;
  };
  send("response.created", { response: created });
  send("response.in_progress", { response: created });
  done.output.forEach((item, output_index) => {
    const at = { item_id: item.id, output_index };
    if (item.type === "reasoning") {
      const text = textOf(item.summary);
      const part = { type: "summary_text", text };
      send("response.output_item.added", { output_index, item: { ...item, summary: [] } });
      send("response.reasoning_summary_part.added", { ...at, summary_index: 0, part: { ...part, text: "" } });
      for (const delta of pieces(text))
        send("response.reasoning_summary_text.delta", { ...at, summary_index: 0, delta });
      send("response.reasoning_summary_text.done", { ...at, summary_index: 0, text });
      send("response.reasoning_summary_part.done", { ...at, summary_index: 0, part });
    } else if (item.type === "message") {
      const text = textOf(item.content);
      const part = { type: "output_text", text, annotations: [] };
      send("response.output_item.added", { output_index, item: { ...item, status: "in_progress", content: [] } });
      send("response.content_part.added", { ...at, content_index: 0, part: { ...part, text: "" } });
      for (const delta of pieces(text))
        send("response.output_text.delta", { ...at, content_index: 0, delta, logprobs: [] });
      send("response.output_text.done", { ...at, content_index: 0, text, logprobs: [] });
      send("response.content_part.done", { ...at, content_index: 0, part });
    } else {
      const args = String(item.arguments);
      send("response.output_item.added", { output_index, item: { ...item, status: "in_progress", arguments: "" } });
      for (const delta of pieces(args)) send("response.function_call_arguments.delta", { ...at, delta });
      send("response.function_call_arguments.done", { ...at, arguments: args });
    }
    send("response.output_item.done", { output_index, item });
  });
  send("response.completed", { response: done });
  response.end();
}

function usage({ usage }: Answer) {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}
