import type { Message } from "@keystroke/core";
import type { ModelMessage, ToolResultPart } from "ai";

/**
 * The recorded conversation of a session → the messages sent to the model as context for a
 * follow-up. Thoughts stay out: providers refuse reasoning they did not sign for this request.
 * Tool results recorded on an assistant message become the tool message that follows it.
 */
export function toModelMessages(messages: readonly Message[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const message of messages) {
    if (message.role === "user") {
      const text = message.parts.map((p) => (p.type === "text" ? p.text : "")).join("\n");
      out.push({ role: "user", content: text });
      continue;
    }
    if (message.role !== "assistant") continue;
    const content: Exclude<Extract<ModelMessage, { role: "assistant" }>["content"], string> = [];
    const results: ToolResultPart[] = [];
    for (const part of message.parts) {
      if (part.type === "text") content.push({ type: "text", text: part.text });
      else if (part.type === "tool_call") {
        content.push({ type: "tool-call", toolCallId: part.id, toolName: part.name, input: part.arguments ?? {} });
      } else if (part.type === "tool_result") {
        results.push({
          type: "tool-result",
          toolCallId: part.id,
          toolName: part.name ?? "",
          output: part.error
            ? { type: "error-text", value: part.error.message }
            : { type: "json", value: (part.result ?? null) as never },
        });
      }
    }
    if (content.length > 0) out.push({ role: "assistant", content });
    if (results.length > 0) out.push({ role: "tool", content: results });
  }
  return out;
}
