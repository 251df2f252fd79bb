/**
 * Anthropic Messages (`POST /v1/messages`). Tool results come back inside user messages as
 * `tool_result` blocks; they are normalised into `tool` messages so a script reads every format
 * alike. Anthropic counts cached input apart from `input_tokens`, so the turn's total input is
 * split into the two.
 */
import type { ServerResponse } from "node:http";
import { openEventStream, pieces } from "./sse.js";
import {
  type Answer,
  argumentsText,
  arrayField,
  BadRequestError,
  type ParsedRequest,
  parseArguments,
  recordAt,
  stringField,
  textOf,
  toolNames,
  type WireFormat,
} from "./wire-format.js";

type Message = ParsedRequest["messages"][number];
type Block = Record<string, unknown> & { type: string };
interface AnthropicMessage {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: Block[];
  stop_reason: string;
  stop_sequence: null;
  usage: ReturnType<typeof usage>;
}

/**
 * The Messages endpoint.
 *
 * @example
 * const format = anthropicMessages();
 * format.parse({ model: "claude-sonnet-4-5", max_tokens: 1024, messages: [{ role: "user", content: "Hi" }] });
 */
export function anthropicMessages(): WireFormat {
  let served = 0;
  return {
    format: "anthropic-messages",
    path: "/v1/messages",
    parse,
    answer(response, request, answer) {
      served += 1;
      const message: AnthropicMessage = {
        id: `msg_${served}`,
        type: "message",
        role: "assistant",
        model: request.model,
        content: blocks(answer, served),
        stop_reason: answer.toolCalls.length > 0 ? "tool_use" : "end_turn",
        stop_sequence: null,
        usage: usage(answer),
      };
      if (request.stream) stream(response, message);
      else {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(message));
      }
    },
    errorBody(status, message) {
      const type = status === 429 ? "rate_limit_error" : status >= 500 ? "api_error" : "invalid_request_error";
      return { type: "error", error: { type, message } };
    },
  };
}

function parse(body: Record<string, unknown>): ParsedRequest {
  const messages: Message[] = [];
  arrayField(body, "messages").forEach((entry, index) => {
    const where = `messages[${index}]`;
    const message = recordAt(entry, where);
    if (message.role !== "user" && message.role !== "assistant") {
      throw new BadRequestError(`${where}.role: expected user or assistant`);
    }
    const content = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    if (!Array.isArray(content)) throw new BadRequestError(`${where}.content: expected a string or an array of blocks`);
    const role = message.role;
    let open: Message | undefined;
    content.forEach((entry, at) => {
      const block = recordAt(entry, `${where}.content[${at}]`);
      if (block.type === "tool_result") {
        messages.push({ role: "tool", text: textOf(block.content), toolCallId: String(block.tool_use_id) });
        open = undefined;
        return;
      }
      if (block.type !== "text" && block.type !== "tool_use") return;
      if (open === undefined) {
        open = { role, text: "" };
        messages.push(open);
      }
      if (block.type === "text") open.text += String(block.text);
      else {
        const call = { id: String(block.id), name: String(block.name), arguments: block.input };
        open.toolCalls = [...(open.toolCalls ?? []), call];
      }
    });
  });
  return {
    model: stringField(body, "model"),
    stream: body.stream === true,
    ...(body.system !== undefined && { system: textOf(body.system) }),
    messages,
    tools: toolNames(body, (tool) => tool.name),
  };
}

function blocks(answer: Answer, served: number): Block[] {
  const out: Block[] = [];
  if (answer.thought !== "") out.push({ type: "thinking", thinking: answer.thought, signature: `sig_${served}` });
  if (answer.text !== "" || answer.toolCalls.length === 0) out.push({ type: "text", text: answer.text });
  for (const call of answer.toolCalls) {
    out.push({ type: "tool_use", id: call.id, name: call.name, input: parseArguments(argumentsText(call)) });
  }
  return out;
}

/** Streams the message as the API does: start, each block in deltas, the stop reason and usage, stop. */
function stream(response: ServerResponse, message: AnthropicMessage): void {
  const write = openEventStream(response);
  const send = (type: string, fields: Record<string, unknown>) => write({ type, ...fields }, type);
  const { content, usage, stop_reason, ...rest } = message;
  const started = {
    input_tokens: usage.input_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens,
    cache_read_input_tokens: usage.cache_read_input_tokens,
    output_tokens: 1,
  };
  send("message_start", { message: { ...rest, content: [], stop_reason: null, usage: started } });
  send("ping", {});
  content.forEach((block, index) => {
    const delta = (fields: Record<string, unknown>) => send("content_block_delta", { index, delta: fields });
    if (block.type === "thinking") {
      send("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } });
      for (const thinking of pieces(String(block.thinking))) delta({ type: "thinking_delta", thinking });
      delta({ type: "signature_delta", signature: block.signature });
    } else if (block.type === "text") {
      send("content_block_start", { index, content_block: { type: "text", text: "" } });
      for (const text of pieces(String(block.text))) delta({ type: "text_delta", text });
    } else {
      send("content_block_start", { index, content_block: { ...block, input: {} } });
      delta({ type: "input_json_delta", partial_json: "" });
      for (const partial_json of pieces(JSON.stringify(block.input))) delta({ type: "input_json_delta", partial_json });
    }
    send("content_block_stop", { index });
  });
  send("message_delta", { delta: { stop_reason, stop_sequence: null }, usage });
  send("message_stop", {});
  response.end();
}

function usage({ usage }: Answer) {
  return {
    input_tokens: usage.inputTokens - usage.cacheReadTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: usage.cacheReadTokens,
    output_tokens: usage.outputTokens,
    ...(usage.reasoningTokens > 0 && { output_tokens_details: { thinking_tokens: usage.reasoningTokens } }),
  };
}
