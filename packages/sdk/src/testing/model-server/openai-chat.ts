/**
 * OpenAI Chat Completions (`POST /v1/chat/completions`), also what OpenAI-compatible endpoints
 * speak: the thought travels as `reasoning_content`, which the compatible provider reads as
 * reasoning and OpenAI's own provider ignores.
 */
import type { ServerResponse } from "node:http";
import { openEventStream, pieces } from "./sse.js";
import {
  type Answer,
  argumentsText,
  arrayField,
  BadRequestError,
  type ModelRequest,
  type ParsedRequest,
  parseArguments,
  recordAt,
  stringField,
  textOf,
  toolNames,
  type WireFormat,
} from "./wire-format.js";

/**
 * The Chat Completions endpoint.
 *
 * @example
 * const format = openaiChat();
 * format.parse({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] }).messages; // [{ role: "user", text: "Hi" }]
 */
export function openaiChat(): WireFormat {
  let served = 0;
  return {
    format: "openai-chat",
    path: "/v1/chat/completions",
    parse,
    answer(response, request, answer) {
      served += 1;
      const head = { id: `chatcmpl-${served}`, created: Math.floor(Date.now() / 1000), model: request.model };
      if (request.stream) stream(response, request, answer, head);
      else {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(completion(answer, head)));
      }
    },
    errorBody(status, message) {
      const type = status === 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error";
      return { error: { message, type, param: null, code: status === 429 ? "rate_limit_exceeded" : null } };
    },
  };
}

function parse(body: Record<string, unknown>): ParsedRequest {
  const system: string[] = [];
  const messages: ParsedRequest["messages"] = [];
  arrayField(body, "messages").forEach((entry, index) => {
    const message = recordAt(entry, `messages[${index}]`);
    const text = textOf(message.content);
    switch (message.role) {
      case "system":
      case "developer":
        system.push(text);
        break;
      case "user":
        messages.push({ role: "user", text });
        break;
      case "assistant": {
        const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
        const toolCalls = calls.map((call, at) => {
          const { id, function: fn } = recordAt(call, `messages[${index}].tool_calls[${at}]`);
          const { name, arguments: args } = recordAt(fn, `messages[${index}].tool_calls[${at}].function`);
          return { id: String(id), name: String(name), arguments: parseArguments(args) };
        });
        messages.push({ role: "assistant", text, ...(toolCalls.length > 0 && { toolCalls }) });
        break;
      }
      case "tool":
        messages.push({ role: "tool", text, toolCallId: String(message.tool_call_id) });
        break;
      default:
        throw new BadRequestError(`messages[${index}].role: expected system, developer, user, assistant or tool`);
    }
  });
  return {
    model: stringField(body, "model"),
    stream: body.stream === true,
    ...(system.length > 0 && { system: system.join("\n") }),
    messages,
    tools: toolNames(body, (tool) => recordAt(tool.function, "tools[].function").name),
  };
}

interface Head {
  id: string;
  created: number;
  model: string;
}

function completion(answer: Answer, head: Head) {
  return {
    ...head,
    object: "chat.completion",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: answer.text === "" && answer.toolCalls.length > 0 ? null : answer.text,
          ...(answer.thought !== "" && { reasoning_content: answer.thought }),
          ...(answer.toolCalls.length > 0 && {
            tool_calls: answer.toolCalls.map((call) => ({
              id: call.id,
              type: "function",
              function: { name: call.name, arguments: argumentsText(call) },
            })),
          }),
        },
        logprobs: null,
        finish_reason: finishReason(answer),
      },
    ],
    usage: usage(answer),
  };
}

function stream(response: ServerResponse, request: ModelRequest, answer: Answer, head: Head): void {
  const send = openEventStream(response);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    send({ ...head, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] });
  chunk({ role: "assistant" });
  for (const piece of pieces(answer.thought)) chunk({ reasoning_content: piece });
  for (const piece of pieces(answer.text)) chunk({ content: piece });
  answer.toolCalls.forEach((call, index) => {
    chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] });
    for (const piece of pieces(argumentsText(call))) chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
  });
  chunk({}, finishReason(answer));
  const options = request.raw as { stream_options?: { include_usage?: unknown } };
  if (options.stream_options?.include_usage === true) {
    send({ ...head, object: "chat.completion.chunk", choices: [], usage: usage(answer) });
  }
  send("[DONE]");
  response.end();
}

function finishReason(answer: Answer): string {
  return answer.toolCalls.length > 0 ? "tool_calls" : "stop";
}

function usage({ usage }: Answer) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}
