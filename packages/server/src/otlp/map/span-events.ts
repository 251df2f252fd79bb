/**
 * The run events of one span: the messages it adds to the conversation, its model call and its
 * place in the trace. Every id is derived from the span (or from the message text) so a re-sent
 * span yields the same event ids and is dropped as a duplicate, and a message seen by several
 * spans (the user's prompt is in every model call's input) is added once.
 */
import type { ErrorPayload, MessagePart, RunEvent, Span } from "@keystroke/core";
import { type Attributes, type OtlpSpan, spanKinds } from "../otlp-model.js";
import { stringAt } from "./attribute-values.js";
import type { ChatMessage, ChatPart } from "./chat-messages.js";
import { costOf, modelOf, providerOf, usageOf } from "./model-usage.js";
import { shortHash } from "./run-identity.js";
import type { SpanContent } from "./span-content.js";
import type { SpanRole } from "./span-role.js";

const statusCodes = ["unset", "ok", "error"] as const;
/** A message holds at most this many parts (the run-event schema's limit). */
const MAX_PARTS = 10_000;

const MS_PER_DAY = 86_400_000;
const twoDigits = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, "0"));
let cachedDay = Number.NaN;
let cachedDate = "";

/**
 * Epoch milliseconds as `2026-11-28T10:00:00.000Z`, as Date#toISOString writes it. The date part
 * is kept from the previous call (the spans of a request share a day or two) and the time of day
 * is plain arithmetic: formatting times is otherwise the largest cost of mapping a span.
 */
export function iso(ms: number): string {
  const whole = Math.floor(ms);
  const day = Math.floor(whole / MS_PER_DAY);
  if (day !== cachedDay) {
    cachedDate = new Date(day * MS_PER_DAY).toISOString().slice(0, 11);
    cachedDay = day;
  }
  let rest = whole - day * MS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  const msText = millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : `${millis}`;
  return `${cachedDate}${twoDigits[hours]}:${twoDigits[minutes]}:${twoDigits[seconds]}.${msText}Z`;
}

/** Ids of messages and tool calls stay within the schema's 200 characters. */
const boundedId = (prefix: string, id: string): string =>
  id.length > 150 ? `${prefix}${shortHash(id)}` : `${prefix}${id}`;

function message(time: string, id: string, role: "user" | "assistant" | "system", parts: MessagePart[]): RunEvent {
  return { eventId: `otlp:${id}`, type: "message.added", time, message: { id, role, parts } };
}

function toolCallPart(part: Extract<ChatPart, { type: "tool_call" }>, fallbackId: string): MessagePart {
  return {
    type: "tool_call",
    id: (part.id || fallbackId).slice(0, 500),
    name: part.name.slice(0, 500),
    arguments: part.arguments,
  };
}

/** The error of a failed span: its status message, else its exception event, else `error.type`. */
export function spanError(span: OtlpSpan): ErrorPayload | undefined {
  if (span.statusCode !== 2) return undefined;
  const exception = span.events.find((event) => event.name === "exception")?.attributes ?? {};
  const type = stringAt(exception, "exception.type") ?? stringAt(span.attributes, "error.type");
  const stack = stringAt(exception, "exception.stacktrace");
  return {
    message: (span.statusMessage || stringAt(exception, "exception.message") || type || `${span.name} failed`).slice(
      0,
      100_000,
    ),
    ...(type ? { name: type.slice(0, 500) } : {}),
    ...(stack ? { stack: stack.slice(0, 100_000) } : {}),
  };
}

export function recordedSpan(span: OtlpSpan): Span {
  const status: Span["status"] = { code: statusCodes[span.statusCode] ?? "unset" };
  if (span.statusMessage) status.message = span.statusMessage;
  const events: Span["events"] = [];
  for (let i = 0; i < span.events.length && i < 10_000; i++) {
    const e = span.events[i] as OtlpSpan["events"][number];
    events.push({ name: e.name, time: iso(e.timeMs || span.startMs), attributes: e.attributes });
  }
  const recorded: Span = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name === "" ? "(unnamed)" : span.name.length > 1000 ? span.name.slice(0, 1000) : span.name,
    kind: spanKinds[span.kind] ?? "internal",
    startTime: iso(span.startMs),
    status,
    attributes: span.attributes as Attributes,
    events,
  };
  if (span.parentSpanId) recorded.parentSpanId = span.parentSpanId;
  if (span.endMs > 0) recorded.endTime = iso(span.endMs);
  return recorded;
}

/**
 * The messages of a span's content. Prompts (user and system) are keyed by their text and how
 * often that text came before in the same input, so the history every model call repeats is
 * added once per session; the assistant's text is keyed by its trace, so an agent span and its
 * last model call that say the same thing add one message; tool calls and results by call id.
 */
export function contentEvents(content: SpanContent, traceId: string, time: string, fallbackId: string): RunEvent[] {
  const events: RunEvent[] = [];
  const seen = new Map<string, number>();
  for (const input of content.input) {
    if (input.role === "user" || input.role === "system") {
      const texts = input.parts.filter((p) => p.type === "text").slice(0, MAX_PARTS);
      if (texts.length > 0) {
        const text = texts.map((p) => p.text).join("\n");
        const key = `${input.role}\u0000${text}`;
        const count = seen.get(key) ?? 0;
        seen.set(key, count + 1);
        events.push(message(time, `p-${shortHash(key, String(count))}`, input.role, texts));
      }
    }
    events.push(...toolEvents(input, time, fallbackId));
  }
  for (const output of content.output) {
    const said = output.parts.filter((p) => p.type === "text" || p.type === "thought").slice(0, MAX_PARTS);
    if (said.length > 0) {
      const id = `a-${shortHash(traceId, ...said.map((p) => `${p.type}:${p.text}`))}`;
      events.push(message(time, id, "assistant", said));
    }
    events.push(...toolEvents(output, time, fallbackId));
  }
  return events;
}

/** Tool calls and results become messages of their own, keyed by call id. */
function toolEvents(source: ChatMessage, time: string, fallbackId: string): RunEvent[] {
  const events: RunEvent[] = [];
  for (const part of source.parts) {
    if (part.type === "tool_call") {
      const call = toolCallPart(part, fallbackId);
      events.push(message(time, boundedId("tc-", (call as { id: string }).id), "assistant", [call]));
    } else if (part.type === "tool_result") {
      const id = (part.id || fallbackId).slice(0, 500);
      const result: MessagePart = {
        type: "tool_result",
        id,
        result: part.result,
        ...(part.name ? { name: part.name.slice(0, 500) } : {}),
      };
      events.push(message(time, boundedId("tr-", id), "assistant", [result]));
    }
  }
  return events;
}

/** An event and the moment it happened, to sub-millisecond precision, for ordering a trace's events. */
export interface Timed {
  at: number;
  event: RunEvent;
}

const at = (ms: number, events: RunEvent[]): Timed[] => events.map((event) => ({ at: ms, event }));

/**
 * What a span records at once, whatever else arrived: itself in the trace and, for a model call,
 * its usage and cost.
 *
 * @example
 * recordEvents(chatSpan, "model") // [span.recorded, model.called]
 */
export function recordEvents(span: OtlpSpan, role: SpanRole): Timed[] {
  const events: Timed[] = [
    {
      at: span.startMs,
      event: {
        eventId: `otlp:s:${span.spanId}`,
        type: "span.recorded",
        time: iso(span.startMs),
        span: recordedSpan(span),
      },
    },
  ];
  if (role === "model") {
    const a = span.attributes;
    const provider = providerOf(a).slice(0, 200);
    const model = modelOf(a).slice(0, 500);
    const usage = usageOf(a);
    const cost = costOf(a, provider, model, usage);
    const error = spanError(span);
    const endMs = span.endMs > 0 ? span.endMs : span.startMs;
    events.push({
      at: endMs,
      event: {
        eventId: `otlp:m:${span.spanId}`,
        type: "model.called",
        time: iso(endMs),
        callId: span.spanId,
        provider,
        model,
        usage,
        ...(cost !== undefined ? { cost } : {}),
        latencyMs: Math.max(0, span.endMs - span.startMs),
        spanId: span.spanId,
        ...(error ? { error } : {}),
      },
    });
  }
  return events;
}

/**
 * The messages of a span, each placed at a moment of the span so a trace's messages can be put
 * in order: the prompt and a tool call at the start, a tool result and an agent's reply at the
 * end. A model's reply is placed at its start too (right after its prompt): tools may start
 * before the model call's span ends (streaming), and the reply comes before what its tool calls do.
 *
 * @example
 * messageEvents(chatSpan, "model", spanContent(chatSpan, "model")) // [message.added, …]
 */
export function messageEvents(span: OtlpSpan, role: SpanRole, content: SpanContent): Timed[] {
  const start = iso(span.startMs);
  const endMs = span.endMs > 0 && role !== "model" ? span.endMs : span.startMs;
  const end = iso(endMs);
  const atStart = contentEvents({ input: content.input, output: [] }, span.traceId, start, span.spanId);
  const atEnd = contentEvents({ input: [], output: content.output }, span.traceId, end, span.spanId);
  if (content.tool) {
    const { id, name, arguments: args, result } = content.tool;
    const error = spanError(span);
    const callId = id.slice(0, 500);
    const toolName = name.slice(0, 500);
    atStart.push(
      message(start, boundedId("tc-", callId), "assistant", [
        { type: "tool_call", id: callId, name: toolName, arguments: args },
      ]),
    );
    const resultPart: MessagePart = {
      type: "tool_result",
      id: callId,
      name: toolName,
      ...(error ? { error } : { result }),
    };
    atEnd.push(message(end, boundedId("tr-", callId), "assistant", [resultPart]));
  }
  return [...at(span.startMs, atStart), ...at(endMs, atEnd)];
}
