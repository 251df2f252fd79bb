/**
 * One reading of the chat messages every convention writes, whichever JSON shape they use: the
 * GenAI conventions' `{ role, parts: [{ type: "text" | "tool_call" | "tool_call_response" |
 * "reasoning" }] }`, OpenAI-style `{ role, content, tool_calls, tool_call_id }` (older GenAI
 * events, OpenInference) and the AI SDK's `{ role, content: [{ type: "text" | "reasoning" |
 * "tool-call" | "tool-result" }] }`.
 */
import { structured, textOf } from "./attribute-values.js";

export type ChatPart =
  | { type: "text"; text: string }
  | { type: "thought"; text: string }
  | { type: "tool_call"; id: string; name: string; arguments: unknown }
  | { type: "tool_result"; id: string; name?: string; result: unknown };

export interface ChatMessage {
  role: string;
  parts: ChatPart[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const str = (value: unknown): string => (typeof value === "string" ? value : value == null ? "" : String(value));

/** The AI SDK wraps tool output as `{ type: "json" | "text" | "error-text" | …, value }`. */
function unwrapOutput(output: unknown): unknown {
  if (isObject(output) && typeof output.type === "string" && "value" in output && Object.keys(output).length === 2) {
    return output.value;
  }
  return output;
}

/** One part in any of the shapes; undefined for parts with nothing to show (images, files). */
export function chatPart(value: unknown): ChatPart | undefined {
  if (typeof value === "string") return value === "" ? undefined : { type: "text", text: value };
  if (!isObject(value)) return undefined;
  const type = str(value.type);
  switch (type) {
    case "text":
    case "output_text":
    case "input_text": {
      const text = str(value.content ?? value.text);
      return text === "" ? undefined : { type: "text", text };
    }
    case "reasoning":
    case "thinking": {
      const text = str(value.content ?? value.text ?? value.thinking);
      return text === "" ? undefined : { type: "thought", text };
    }
    case "tool_call":
    case "tool-call":
    case "function_call":
      return {
        type: "tool_call",
        id: str(value.id ?? value.toolCallId ?? value.call_id),
        name: str(value.name ?? value.toolName) || "tool",
        arguments: structured((value.arguments ?? value.input ?? value.args) as never),
      };
    case "tool_call_response":
    case "tool-result":
    case "function_call_output":
      return {
        type: "tool_result",
        id: str(value.id ?? value.toolCallId ?? value.call_id),
        ...(value.toolName ? { name: str(value.toolName) } : {}),
        result: unwrapOutput(structured((value.response ?? value.result ?? value.output) as never)),
      };
    default:
      return undefined;
  }
}

function toolCalls(value: unknown): ChatPart[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((call) => {
    const fn = isObject(call.function) ? call.function : call;
    return {
      type: "tool_call" as const,
      id: str(call.id ?? call.toolCallId),
      name: str(fn.name ?? call.toolName) || "tool",
      arguments: structured((fn.arguments ?? call.args ?? call.input) as never),
    };
  });
}

/** One message in any of the shapes. */
export function chatMessage(value: unknown, fallbackRole = "user"): ChatMessage | undefined {
  if (!isObject(value)) {
    const part = chatPart(value);
    return part ? { role: fallbackRole, parts: [part] } : undefined;
  }
  const role = str(value.role) || fallbackRole;
  const parts: ChatPart[] = [];
  const content = value.parts ?? value.content;
  if (role === "tool" && (typeof content === "string" || isObject(content)) && value.tool_call_id !== undefined) {
    return {
      role,
      parts: [{ type: "tool_result", id: str(value.tool_call_id ?? value.id), result: structured(content as never) }],
    };
  }
  if (Array.isArray(content)) {
    for (const item of content) {
      const part = chatPart(item);
      if (part) parts.push(part);
    }
  } else {
    const text = textOf(content);
    if (text !== "") parts.push({ type: "text", text });
  }
  parts.push(...toolCalls(value.tool_calls));
  return { role, parts };
}

/** A list of messages from an attribute value (a JSON string or structured), or a prompt string. */
export function chatMessages(value: unknown, fallbackRole = "user"): ChatMessage[] {
  const parsed = structured(value as never);
  if (Array.isArray(parsed)) {
    return parsed.map((item) => chatMessage(item, fallbackRole)).filter((m): m is ChatMessage => m !== undefined);
  }
  const one = chatMessage(parsed, fallbackRole);
  return one ? [one] : [];
}

/**
 * A message's role and content: its text and the ids of its tool calls and results. Reasoning is
 * left out, as a reply re-sent in a later call's input usually leaves it out.
 */
export function signatureOf(message: ChatMessage): string {
  const parts = message.parts.flatMap((p) =>
    p.type === "thought" ? [] : p.type === "text" ? [`text:${p.text}`] : [`${p.type}:${p.id}`],
  );
  return `${message.role}\u0000${parts.join("\u0001")}`;
}
