/**
 * The conversation a span carries, read from every convention: what went into the model or
 * agent (`input`), what came out (`output`) and, for a tool span, the call. GenAI attributes
 * first (`gen_ai.input.messages`…), then the older per-message span events, OpenInference's
 * flattened `llm.input_messages.{i}.message.*`, and the AI SDK's `ai.prompt*` and `ai.response.*`.
 */
import { AiSdk, GenAI, OpenInference } from "@keystroke/core";
import type { Attributes, OtlpSpan } from "../otlp-model.js";
import { stringAt, structured, textOf } from "./attribute-values.js";
import { type ChatMessage, type ChatPart, chatMessage, chatMessages } from "./chat-messages.js";
import type { SpanRole } from "./span-role.js";

export interface ToolUse {
  id: string;
  name: string;
  arguments: unknown;
  result: unknown;
}

export interface SpanContent {
  input: ChatMessage[];
  output: ChatMessage[];
  tool?: ToolUse;
}

/** `gen_ai.system_instructions`: parts, or a string. */
function systemInstructions(value: unknown): ChatMessage[] {
  if (value === undefined || value === null) return [];
  const parsed = structured(value as never);
  const text = Array.isArray(parsed) ? parsed.map(textOf).filter(Boolean).join("\n") : textOf(parsed);
  return text === "" ? [] : [{ role: "system", parts: [{ type: "text", text }] }];
}

/** GenAI content as attributes (on a span, or on a `gen_ai.client.inference.operation.details` log). */
export function genAiContent(a: Attributes): SpanContent {
  return {
    input: [...systemInstructions(a[GenAI.systemInstructions]), ...chatMessages(a[GenAI.inputMessages])],
    output: chatMessages(a[GenAI.outputMessages], "assistant"),
  };
}

const eventRoles: Record<string, string> = {
  [GenAI.systemMessageEvent]: "system",
  [GenAI.userMessageEvent]: "user",
  [GenAI.assistantMessageEvent]: "assistant",
  [GenAI.toolMessageEvent]: "tool",
};

/** The older per-message events, whose body is `{ content, tool_calls, id }` (or `{ message }` for a choice). */
export function messageEventContent(name: string, body: unknown, into: SpanContent): void {
  const parsed = structured(body as never);
  if (name === GenAI.choiceEvent) {
    const message = typeof parsed === "object" && parsed !== null ? (parsed as { message?: unknown }).message : parsed;
    const out = chatMessage(message ?? parsed, "assistant");
    if (out) into.output.push({ ...out, role: "assistant" });
    return;
  }
  const role = eventRoles[name];
  if (role === undefined) return;
  const fields =
    typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : { content: parsed };
  const message = chatMessage({ ...fields, role, tool_call_id: role === "tool" ? fields.id : undefined }, role);
  if (message) into.input.push(message);
}

function spanEvents(span: OtlpSpan, into: SpanContent): void {
  for (const event of span.events) {
    const a = event.attributes;
    if (event.name === GenAI.contentPromptEvent) into.input.push(...chatMessages(a[GenAI.prompt]));
    else if (event.name === GenAI.contentCompletionEvent)
      into.output.push(...chatMessages(a[GenAI.completion], "assistant"));
    else if (event.name.startsWith(GenAI.prefix)) {
      messageEventContent(event.name, a[GenAI.eventContent] ?? a.body ?? a.content ?? a, into);
    }
  }
}

/** OpenInference's flattened messages: `llm.input_messages.0.message.role` and so on. */
function flattened(a: Attributes, prefix: string, fallbackRole: string): ChatMessage[] {
  let byIndex: Map<number, Record<string, unknown>> | undefined;
  for (const key in a) {
    if (!key.startsWith(prefix)) continue;
    byIndex ??= new Map();
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf(".");
    const index = Number(rest.slice(0, dot));
    if (!Number.isInteger(index)) continue;
    const fields = byIndex.get(index) ?? {};
    byIndex.set(index, fields);
    fields[rest.slice(dot + 1)] = a[key];
  }
  if (byIndex === undefined) return [];
  const messages = byIndex;
  return [...messages.keys()]
    .sort((x, y) => x - y)
    .map((index) => openInferenceMessage(messages.get(index) as Record<string, unknown>, fallbackRole));
}

function openInferenceMessage(f: Record<string, unknown>, fallbackRole: string): ChatMessage {
  const role = typeof f["message.role"] === "string" ? (f["message.role"] as string) : fallbackRole;
  const parts: ChatPart[] = [];
  const content = f["message.content"];
  if (role === "tool" && f["message.tool_call_id"] !== undefined) {
    return {
      role,
      parts: [{ type: "tool_result", id: String(f["message.tool_call_id"]), result: structured(content as never) }],
    };
  }
  if (typeof content === "string" && content !== "") parts.push({ type: "text", text: content });
  for (let j = 0; f[`message.contents.${j}.message_content.type`] !== undefined; j++) {
    const text = f[`message.contents.${j}.message_content.text`];
    if (typeof text === "string" && text !== "") parts.push({ type: "text", text });
  }
  for (let j = 0; f[`message.tool_calls.${j}.tool_call.function.name`] !== undefined; j++) {
    const call = (key: string) => f[`message.tool_calls.${j}.tool_call.${key}`];
    parts.push({
      type: "tool_call",
      id: String(call("id") ?? ""),
      name: String(call("function.name")),
      arguments: structured(call("function.arguments") as never),
    });
  }
  return { role, parts };
}

/** OpenInference AGENT and CHAIN spans: `input.value` and `output.value`, text or JSON. */
function valueMessages(a: Attributes, key: "input" | "output"): ChatMessage[] {
  const value = a[`${key}.value`];
  if (typeof value !== "string" || value === "") return [];
  const role = key === "input" ? "user" : "assistant";
  const parsed = structured(value);
  if (typeof parsed === "string") return [{ role, parts: [{ type: "text", text: parsed }] }];
  const messages = (parsed as { messages?: unknown } | null)?.messages;
  return Array.isArray(messages) ? chatMessages(messages, role) : [];
}

/** The AI SDK: `ai.prompt` (`{ system, prompt, messages }`) or `ai.prompt.messages`, and `ai.response.*`. */
function aiSdkContent(a: Attributes, into: SpanContent): void {
  if (a[AiSdk.promptMessages] !== undefined) into.input.push(...chatMessages(a[AiSdk.promptMessages]));
  else if (a[AiSdk.prompt] !== undefined) {
    const prompt = structured(a[AiSdk.prompt]);
    if (typeof prompt === "string") into.input.push({ role: "user", parts: [{ type: "text", text: prompt }] });
    else if (typeof prompt === "object" && prompt !== null) {
      const p = prompt as { system?: unknown; prompt?: unknown; messages?: unknown };
      if (typeof p.system === "string") into.input.push({ role: "system", parts: [{ type: "text", text: p.system }] });
      if (p.prompt !== undefined) into.input.push(...chatMessages(p.prompt));
      if (p.messages !== undefined) into.input.push(...chatMessages(p.messages));
    }
  }
  const parts: ChatPart[] = [];
  const reasoning = stringAt(a, AiSdk.responseReasoning);
  if (reasoning) parts.push({ type: "thought", text: reasoning });
  const text = stringAt(a, AiSdk.responseText);
  if (text) parts.push({ type: "text", text });
  const calls = chatMessage({ role: "assistant", content: "", tool_calls: structured(a[AiSdk.responseToolCalls]) });
  if (calls) parts.push(...calls.parts);
  if (parts.length > 0) into.output.push({ role: "assistant", parts });
}

function toolUse(span: OtlpSpan): ToolUse {
  const a = span.attributes;
  return {
    id: stringAt(a, GenAI.toolCallId, AiSdk.toolCallId, OpenInference.toolCallId, OpenInference.toolId) ?? span.spanId,
    name: stringAt(a, GenAI.toolName, AiSdk.toolCallName, OpenInference.toolName) ?? span.name,
    arguments: structured(
      a[GenAI.toolCallArguments] ??
        a[AiSdk.toolCallArgs] ??
        a[AiSdk.toolCallInput] ??
        a[OpenInference.inputValue] ??
        a[OpenInference.toolParameters],
    ),
    result: structured(
      a[GenAI.toolCallResult] ?? a[AiSdk.toolCallResult] ?? a[AiSdk.toolCallOutput] ?? a[OpenInference.outputValue],
    ),
  };
}

/**
 * @example
 * spanContent(chatSpan, "model").output // [{ role: "assistant", parts: [{ type: "text", text: "Hi" }] }]
 */
export function spanContent(span: OtlpSpan, role: SpanRole): SpanContent {
  const a = span.attributes;
  const content = genAiContent(a);
  spanEvents(span, content);
  content.input.push(...flattened(a, OpenInference.llmInputMessagesPrefix, "user"));
  content.output.push(...flattened(a, OpenInference.llmOutputMessagesPrefix, "assistant"));
  aiSdkContent(a, content);
  if (role === "agent" && content.input.length === 0) content.input.push(...valueMessages(a, "input"));
  if (role === "agent" && content.output.length === 0) content.output.push(...valueMessages(a, "output"));
  if (role === "tool") content.tool = toolUse(span);
  return content;
}
