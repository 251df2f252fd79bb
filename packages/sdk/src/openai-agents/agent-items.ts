/**
 * The OpenAI Agents SDK's model inputs and outputs — Responses API items (`message`,
 * `function_call`, `function_call_output`, `reasoning`) and Chat Completions messages — as
 * GenAI-convention messages (`{ role, parts }`), which is what the receiver reads.
 */

export interface GenAiMessage {
  role: string;
  parts: Record<string, unknown>[];
}

type Item = Record<string, unknown>;

const isItem = (value: unknown): value is Item => typeof value === "object" && value !== null && !Array.isArray(value);

function textParts(content: unknown): Record<string, unknown>[] {
  if (typeof content === "string") return content ? [{ type: "text", content }] : [];
  if (!Array.isArray(content)) return [];
  return content.filter(isItem).flatMap((part) => {
    const text = part.text ?? part.refusal;
    return typeof text === "string" && text ? [{ type: "text", content: text }] : [];
  });
}

function reasoningText(item: Item): string {
  const pieces = [
    ...(Array.isArray(item.summary) ? item.summary : []),
    ...(Array.isArray(item.content) ? item.content : []),
  ];
  return pieces
    .filter(isItem)
    .map((p) => (typeof p.text === "string" ? p.text : ""))
    .filter(Boolean)
    .join("\n");
}

/** One item or message; undefined for items with nothing to show. */
function toMessage(item: unknown): GenAiMessage | undefined {
  if (typeof item === "string") return { role: "user", parts: [{ type: "text", content: item }] };
  if (!isItem(item)) return undefined;
  const callId = item.call_id ?? item.callId ?? item.id;
  switch (item.type) {
    case "function_call":
      return {
        role: "assistant",
        parts: [{ type: "tool_call", id: callId, name: item.name, arguments: item.arguments }],
      };
    case "function_call_output":
    case "function_call_result":
      return { role: "tool", parts: [{ type: "tool_call_response", id: callId, response: item.output }] };
    case "reasoning": {
      const text = reasoningText(item);
      return text ? { role: "assistant", parts: [{ type: "reasoning", content: text }] } : undefined;
    }
    default: {
      if (typeof item.role !== "string") return undefined;
      const parts = textParts(item.content);
      if (item.role === "tool" && item.tool_call_id !== undefined) {
        return { role: "tool", parts: [{ type: "tool_call_response", id: item.tool_call_id, response: item.content }] };
      }
      if (Array.isArray(item.tool_calls)) {
        for (const call of item.tool_calls.filter(isItem)) {
          const fn = isItem(call.function) ? call.function : {};
          parts.push({ type: "tool_call", id: call.id, name: fn.name, arguments: fn.arguments });
        }
      }
      return parts.length > 0 ? { role: item.role, parts } : undefined;
    }
  }
}

/**
 * @example
 * toGenAiMessages([{ type: "function_call", call_id: "c1", name: "weather", arguments: "{}" }])
 * // [{ role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "weather", arguments: "{}" }] }]
 */
export function toGenAiMessages(items: unknown): GenAiMessage[] {
  const list = Array.isArray(items) ? items : items === undefined || items === null ? [] : [items];
  return list.map(toMessage).filter((m): m is GenAiMessage => m !== undefined);
}
