/**
 * The offline demo vendor (`demo/<anything>`): a deterministic language model so a project runs,
 * and History fills with real runs, with no API key. For the last user message it thinks aloud,
 * calls the tool whose name and description best match the message (filling arguments from the
 * tool's JSON schema), then answers from the tool result. Every answer says it comes from the demo
 * model. A message containing "simulate an outage" makes the model fail as a provider would.
 * It quotes at most QUOTED_CHARACTERS of the message and of a tool's result: echoing a message
 * of megabytes streamed a hundred thousand pieces through the AI SDK and held the server's
 * thread for seconds.
 */
import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3Content,
  type LanguageModelV3FunctionTool,
  type LanguageModelV3Prompt,
  type LanguageModelV3StreamPart,
  type LanguageModelV3Usage,
} from "@ai-sdk/provider";

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
};

const words = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9]{4,}/g) ?? []);

/** The most of the user's message the demo model repeats in its thoughts and answers. */
export const QUOTED_CHARACTERS = 16_000;
const quoted = (text: string) => (text.length > QUOTED_CHARACTERS ? `${text.slice(0, QUOTED_CHARACTERS)}…` : text);

type ToolOutcome = { name: string; output: unknown; failed: boolean };

function lastUserTurn(prompt: LanguageModelV3Prompt): { text: string; toolResults: ToolOutcome[] } {
  const toolResults: ToolOutcome[] = [];
  for (let i = prompt.length - 1; i >= 0; i--) {
    const message = prompt[i];
    if (!message) continue;
    if (message.role === "user") {
      const text = message.content.map((part) => (part.type === "text" ? part.text : "")).join(" ");
      return { text, toolResults: toolResults.reverse() };
    }
    if (message.role === "tool") {
      for (const part of message.content) {
        if (part.type !== "tool-result") continue;
        const output = "value" in part.output ? part.output.value : part.output;
        toolResults.push({ name: part.toolName, output, failed: part.output.type.startsWith("error") });
      }
    }
  }
  return { text: "", toolResults };
}

function pickTool(text: string, tools: LanguageModelV3FunctionTool[]): LanguageModelV3FunctionTool | undefined {
  const asked = words(text);
  let best: { tool: LanguageModelV3FunctionTool; score: number } | undefined;
  for (const tool of tools) {
    const offered = words(`${tool.name.replace(/[-_.]/g, " ")} ${tool.description ?? ""}`);
    let score = 0;
    for (const word of offered) if (asked.has(word)) score++;
    if (score > 0 && (!best || score > best.score)) best = { tool, score };
  }
  return best?.tool;
}

function argumentsFor(schema: JsonSchema, text: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const identifier = text.match(/\b[A-Z]*-?\d[\w-]*\b/)?.[0];
  const number = text.match(/-?\d+(\.\d+)?/)?.[0];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const type = Array.isArray(property.type) ? property.type[0] : property.type;
    if (property.enum?.length) args[name] = property.enum[0];
    else if (type === "number" || type === "integer") args[name] = number ? Number(number) : 1;
    else if (type === "boolean") args[name] = true;
    else if (type === "string") args[name] = /id$|number$|code$/i.test(name) && identifier ? identifier : text;
  }
  return args;
}

/** A value that satisfies `schema`, for structured output: fields filled as tool arguments are. */
function valueFor(schema: JsonSchema & { items?: JsonSchema }, text: string): unknown {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (schema.enum?.length) return schema.enum[0];
  if (type === "object" || schema.properties) {
    const value: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      value[name] = /^(summary|text|answer|reply|reason|title|description)$/i.test(name)
        ? `[demo model] ${text.slice(0, 200)}`
        : valueFor(property, text);
    }
    return value;
  }
  if (type === "array") return schema.items ? [valueFor(schema.items, text)] : [];
  if (type === "number" || type === "integer") return Number(text.match(/-?\d+(\.\d+)?/)?.[0] ?? 1);
  if (type === "boolean") return true;
  if (type === "null") return null;
  return text.slice(0, 200);
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function usage(prompt: LanguageModelV3Prompt, output: string, thought: string): LanguageModelV3Usage {
  const input = tokens(JSON.stringify(prompt));
  const reasoning = tokens(thought);
  const text = tokens(output);
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: text + reasoning, text, reasoning },
  };
}

function answer(
  options: LanguageModelV3CallOptions,
  modelId: string,
): { content: LanguageModelV3Content[]; usage: LanguageModelV3Usage } {
  const { text, toolResults } = lastUserTurn(options.prompt);
  if (/simulate an outage/i.test(text)) {
    throw new APICallError({
      message: "Demo model: simulated provider outage (HTTP 503 Service Unavailable)",
      url: `demo://${modelId}`,
      requestBodyValues: {},
      statusCode: 503,
      isRetryable: false,
    });
  }
  if (options.responseFormat?.type === "json" && options.responseFormat.schema) {
    const reply = JSON.stringify(valueFor(options.responseFormat.schema as JsonSchema, text));
    return { content: [{ type: "text", text: reply }], usage: usage(options.prompt, reply, "") };
  }
  const tools = (options.tools ?? []).filter((t): t is LanguageModelV3FunctionTool => t.type === "function");
  const tool = toolResults.length === 0 ? pickTool(text, tools) : undefined;
  if (tool) {
    const thought = `The user asks: "${quoted(text)}". The ${tool.name} tool fits this request, so I will call it first.`;
    const input = JSON.stringify(argumentsFor(tool.inputSchema as JsonSchema, text));
    return {
      content: [
        { type: "reasoning", text: thought },
        { type: "tool-call", toolCallId: `call_${tool.name}_${tokens(text + input)}`, toolName: tool.name, input },
      ],
      usage: usage(options.prompt, input, thought),
    };
  }
  const thought = toolResults.length
    ? `I have the result of ${toolResults.map((r) => r.name).join(", ")}; I will summarise it for the user.`
    : `The user says: "${quoted(text)}". No tool is needed; I will answer directly.`;
  const reply = toolResults.length
    ? `[demo model] ${toolResults.map((r) => (r.failed ? `The ${r.name} tool failed: ${quoted(String(r.output))}` : `Here is what ${r.name} found: ${quoted(JSON.stringify(r.output) ?? "nothing")}`)).join(". ")}.`
    : `[demo model] You asked: "${quoted(text)}". This is a deterministic demo answer; set ANTHROPIC_API_KEY or OPENAI_API_KEY and choose a real model for real answers.`;
  return {
    content: [
      { type: "reasoning", text: thought },
      { type: "text", text: reply },
    ],
    usage: usage(options.prompt, reply, thought),
  };
}

function streamParts(
  content: LanguageModelV3Content[],
  usage: LanguageModelV3Usage,
  modelId: string,
): LanguageModelV3StreamPart[] {
  const parts: LanguageModelV3StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "response-metadata", id: `demo-${Date.now().toString(36)}`, modelId, timestamp: new Date() },
  ];
  content.forEach((item, i) => {
    const id = String(i);
    if (item.type === "reasoning") {
      parts.push(
        { type: "reasoning-start", id },
        { type: "reasoning-delta", id, delta: item.text },
        { type: "reasoning-end", id },
      );
    } else if (item.type === "text") {
      parts.push({ type: "text-start", id });
      for (const piece of item.text.match(/.{1,40}/gs) ?? []) parts.push({ type: "text-delta", id, delta: piece });
      parts.push({ type: "text-end", id });
    } else if (item.type === "tool-call") {
      parts.push(
        { type: "tool-input-start", id: item.toolCallId, toolName: item.toolName },
        { type: "tool-input-delta", id: item.toolCallId, delta: item.input },
        { type: "tool-input-end", id: item.toolCallId },
        item,
      );
    }
  });
  const calls = content.some((c) => c.type === "tool-call");
  parts.push({
    type: "finish",
    usage,
    finishReason: { unified: calls ? "tool-calls" : "stop", raw: calls ? "tool_use" : "end_turn" },
  });
  return parts;
}

/** A demo model; `modelId` is free text (e.g. "support") and only names it in History. */
export function demoModel(modelId: string): LanguageModelV3 {
  return {
    specificationVersion: "v3",
    provider: "demo",
    modelId,
    supportedUrls: {},
    async doGenerate(options) {
      const { content, usage: used } = answer(options, modelId);
      const calls = content.some((c) => c.type === "tool-call");
      return {
        content,
        usage: used,
        finishReason: { unified: calls ? "tool-calls" : "stop", raw: calls ? "tool_use" : "end_turn" },
        warnings: [],
        response: { id: `demo-${Date.now().toString(36)}`, modelId, timestamp: new Date() },
      };
    },
    async doStream(options) {
      const { content, usage: used } = answer(options, modelId);
      const parts = streamParts(content, used, modelId);
      return {
        stream: new ReadableStream<LanguageModelV3StreamPart>({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  };
}
