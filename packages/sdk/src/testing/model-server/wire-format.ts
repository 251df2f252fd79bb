/**
 * What each provider endpoint implements: read a request body into the normalised
 * ModelRequest, write a ModelTurn back in the provider's own JSON or SSE, and shape its errors.
 * The server routes by path and stays ignorant of every format's fields.
 */
import type { ServerResponse } from "node:http";

/** One tool call, as the model asks for it or as the client sends it back in the history. */
export interface ModelToolCall {
  id: string;
  name: string;
  /** The parsed arguments; a string in a ModelTurn is sent verbatim as the JSON text. */
  arguments: unknown;
}

/** What the model answers to one request (a step of the script). */
export interface ModelTurn {
  /** Final text of the assistant. */
  text?: string;
  /** Reasoning / thinking text. */
  thought?: string;
  /** Tool calls the model asks for. */
  toolCalls?: ModelToolCall[];
  /** Token counts; when absent, a rough estimate (about four characters a token). */
  usage?: { inputTokens: number; outputTokens: number; cacheReadTokens?: number; reasoningTokens?: number };
  /** The endpoint fails instead of answering. */
  fault?: "http_500" | "hang" | "garbage" | "http_429";
}

/** What the client sent, normalised across wire formats. */
export interface ModelRequest {
  format: "openai-chat" | "openai-responses" | "anthropic-messages";
  model: string;
  stream: boolean;
  system?: string;
  messages: { role: "user" | "assistant" | "tool"; text: string; toolCalls?: ModelToolCall[]; toolCallId?: string }[];
  /** Names of the tools offered. */
  tools: string[];
  /** Request headers, lower-case names (authorization, x-api-key…). */
  headers: Record<string, string>;
  /** The parsed body. */
  raw: unknown;
}

/** The fields of a request a format reads from its body. */
export type ParsedRequest = Omit<ModelRequest, "format" | "headers" | "raw">;

/** A ModelTurn with its usage settled. */
export interface Answer {
  text: string;
  thought: string;
  toolCalls: ModelToolCall[];
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; reasoningTokens: number };
}

/** One provider endpoint. */
export interface WireFormat {
  format: ModelRequest["format"];
  path: string;
  /** Reads a JSON body; throws BadRequestError naming the field that is wrong. */
  parse(body: Record<string, unknown>): ParsedRequest;
  /** Writes the answer, as SSE when the request asked for a stream. */
  answer(response: ServerResponse, request: ModelRequest, answer: Answer): void;
  /** The provider's error body for a status. */
  errorBody(status: number, message: string): unknown;
}

/** A request the server refuses with 400, with a message naming the field. */
export class BadRequestError extends Error {
  override name = "BadRequestError";
}

/**
 * Fills in what a turn left out: empty text, no tool calls, and usage estimated from the sizes
 * of the request and the answer.
 *
 * @example
 * settle({ text: "Hi" }, request).usage.outputTokens; // 1
 */
export function settle(turn: ModelTurn, request: ModelRequest): Answer {
  const text = turn.text ?? "";
  const thought = turn.thought ?? "";
  const toolCalls = turn.toolCalls ?? [];
  const tokens = (chars: number) => Math.ceil(chars / 4);
  const usage = turn.usage ?? {
    inputTokens: tokens((request.system ?? "").length + request.messages.reduce((n, m) => n + m.text.length, 0)),
    outputTokens: tokens(text.length + thought.length + toolCalls.reduce((n, c) => n + argumentsText(c).length, 0)),
  };
  return {
    text,
    thought,
    toolCalls,
    usage: { cacheReadTokens: 0, reasoningTokens: 0, ...usage },
  };
}

/** The JSON text of a tool call's arguments. */
export function argumentsText(call: ModelToolCall): string {
  return typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {});
}

/** Arguments sent as JSON text, parsed when they are valid JSON. */
export function parseArguments(text: unknown): unknown {
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The field as an array, or a BadRequestError naming it. */
export function arrayField(body: Record<string, unknown>, field: string): unknown[] {
  const value = body[field];
  if (!Array.isArray(value)) throw new BadRequestError(`${field}: expected an array, got ${describe(value)}`);
  return value;
}

/** The field as a non-empty string, or a BadRequestError naming it. */
export function stringField(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") {
    throw new BadRequestError(`${field}: expected a non-empty string, got ${describe(value)}`);
  }
  return value;
}

/** The value as a record, or a BadRequestError naming where it was. */
export function recordAt(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BadRequestError(`${where}: expected an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** The text of a content value: a string, or an array of parts whose `text` fields are joined. */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (typeof part === "object" && part !== null && "text" in part ? String(part.text) : ""))
    .join("");
}

/** The names of the offered tools, read with `nameOf` from each entry of `tools`. */
export function toolNames(body: Record<string, unknown>, nameOf: (tool: Record<string, unknown>) => unknown): string[] {
  if (body.tools === undefined) return [];
  return arrayField(body, "tools").map((tool, index) => {
    const name = nameOf(recordAt(tool, `tools[${index}]`));
    if (typeof name !== "string") throw new BadRequestError(`tools[${index}]: expected a tool with a name`);
    return name;
  });
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}
