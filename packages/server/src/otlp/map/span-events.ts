/**
 * The run events of one span: the messages it adds to the conversation, its model call and its
 * place in the trace. Every id is derived from the span (or from the message text) so a re-sent
 * span yields the same event ids and is dropped as a duplicate, and a message seen by several
 * spans (the user's prompt is in every model call's input) is added once, while the same words
 * said again (a "yes" in two turns, a reply repeated by two model calls) are kept each time.
 */
import type { ErrorPayload, MessagePart, ModelCall, RunEvent, Span } from "@keystroke/core";
import { Otel, toIso, toMillis } from "@keystroke/core";
import { type Attributes, type OtlpSpan, spanKinds } from "../otlp-model.js";
import { stringAt } from "./attribute-values.js";
import { type ChatMessage, type ChatPart, signatureOf } from "./chat-messages.js";
import { costOf, modelOf, providerOf, usageOf } from "./model-usage.js";
import type { RoledSpan } from "./run-batch.js";
import { shortHash } from "./run-identity.js";
import { type SpanContent, spanContent } from "./span-content.js";
import type { SpanRole } from "./span-role.js";

const statusCodes = ["unset", "ok", "error"] as const;
/** A message holds at most this many parts (the run-event schema's limit). */
const MAX_PARTS = 10_000;

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
  const type = stringAt(exception, Otel.exceptionType) ?? stringAt(span.attributes, Otel.errorType);
  const stack = stringAt(exception, Otel.exceptionStacktrace);
  return {
    message: (span.statusMessage || stringAt(exception, Otel.exceptionMessage) || type || `${span.name} failed`).slice(
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
    events.push({ name: e.name, time: toIso(e.timeMs || span.startMs), attributes: e.attributes });
  }
  // Its id and start first: with them the head of the event's JSON ends (spanHeadEnd).
  const recorded: Span = {
    spanId: span.spanId,
    startTime: toIso(span.startMs),
    traceId: span.traceId,
    name: span.name === "" ? "(unnamed)" : span.name.length > 1000 ? span.name.slice(0, 1000) : span.name,
    kind: spanKinds[span.kind] ?? "internal",
    status,
    attributes: span.attributes as Attributes,
    events,
  };
  if (span.parentSpanId) recorded.parentSpanId = span.parentSpanId;
  if (span.endMs > 0) recorded.endTime = toIso(span.endMs);
  return recorded;
}

/**
 * A recorded span as it came (recordedSpan the other way), for the receiver to take back what it
 * held of a trace before it started again. What the store keeps of a span says all that placing
 * it and its messages need; its resource (the run's name comes from the run) is not kept.
 */
export function otlpSpanOf(span: Span): OtlpSpan {
  const kind = spanKinds.indexOf(span.kind, 1);
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    parentIsRemote: false,
    name: span.name,
    kind: kind < 0 ? 1 : kind,
    startMs: toMillis(span.startTime),
    endMs: span.endTime === undefined ? 0 : toMillis(span.endTime),
    attributes: span.attributes as Attributes,
    events: span.events.map((event) => ({
      name: event.name,
      timeMs: toMillis(event.time),
      attributes: event.attributes as Attributes,
    })),
    statusCode: statusCodes.indexOf(span.status.code),
    statusMessage: span.status.message ?? "",
    resource: {},
  };
}

/** How the messages of one span's (or log record's) content are keyed. */
export interface ContentKeys {
  traceId: string;
  /** The span or log record the content came from: tool calls without an id, and a model's replies, are keyed by it. */
  sourceId: string;
  /** The content is an agent's: its reply is keyed by its text in the trace, so the model call that said it adds it once. */
  agent?: boolean;
  /**
   * The input's last user message is the turn's prompt, keyed by the trace: the same words in
   * another turn are another message. Off for per-message events, which repeat the history one
   * message at a time.
   */
  turnPrompt?: boolean;
  /**
   * The user messages before the prompt are added too (keyed by text and how often it came
   * before): off in a conversation, whose earlier turns added their own prompts.
   */
  history?: boolean;
  /**
   * How many times the same message came before in its call's input, for content that is one
   * message of a longer input (a per-message log event): keys it as the same message in that input would be.
   */
  occurrence?: number;
}

/**
 * The messages of a span's content. System messages and earlier user messages are keyed by their
 * text and how often that text came before in the same input, so the history every model call
 * repeats is added once; the turn's prompt by its trace (`ContentKeys.turnPrompt`); a model's
 * replies by its span and place in the output (a per-message event's, like the replies a later
 * call's input re-sends, by its text and how often it came before), an agent's by its text in the
 * trace; tool calls and results by call id.
 */
export function contentEvents(content: SpanContent, keys: ContentKeys, time: string): RunEvent[] {
  const events: RunEvent[] = [];
  // Made at the first message kept: most calls (a span's output, a tool's) keep none by text.
  let seen: Map<string, number> | undefined;
  const prompt = keys.turnPrompt ? turnPromptIndex(content.input, keys.history === true) : -1;
  // A model's answer re-sent as one message of a later call's input (a per-message event) is the
  // answer itself: added under the key its own event has (below), so the conversation keeps its
  // order when the later call arrives first.
  const replayed = (role: string) => role === "assistant" && keys.occurrence !== undefined;
  content.input.forEach((input, index) => {
    const texts = input.parts.filter((p) => p.type === "text").slice(0, MAX_PARTS);
    const earlier = input.role === "user" && index !== prompt;
    const kept = input.role === "system" || input.role === "user" || replayed(input.role);
    if (texts.length > 0 && kept && (!earlier || keys.history)) {
      const text = texts.map((p) => p.text).join("\n");
      // A replayed reply is keyed as its own event keys it (below).
      const key = replayed(input.role) ? signatureOf(input) : `${input.role}\u0000${text}`;
      seen ??= new Map();
      const count = seen.get(key) ?? keys.occurrence ?? 0;
      seen.set(key, count + 1);
      const id = index === prompt ? shortHash(key, "turn", keys.traceId) : shortHash(key, String(count));
      events.push(message(time, `p-${id}`, input.role as "system" | "user" | "assistant", texts));
    }
    events.push(...toolEvents(input, time, keys.sourceId));
  });
  content.output.forEach((output, index) => {
    const said = output.parts.filter((p) => p.type === "text" || p.type === "thought").slice(0, MAX_PARTS);
    if (said.length > 0) {
      const text = said.some((p) => p.type === "text");
      const id =
        keys.occurrence !== undefined && text
          ? `p-${shortHash(signatureOf({ ...output, role: "assistant" }), String(keys.occurrence))}`
          : keys.agent
            ? `a-${shortHash(keys.traceId, ...said.map((p) => `${p.type}:${p.text}`))}`
            : `a-${shortHash(keys.traceId, keys.sourceId, String(index))}`;
      events.push(message(time, id, "assistant", said));
    }
    events.push(...toolEvents(output, time, keys.sourceId));
  });
  return events;
}

const hasText = (m: ChatMessage) => m.parts.some((p) => p.type === "text");

/**
 * Where the turn's prompt is in a call's input: its last user message. In a conversation
 * (`history` off), a user message followed by the model's own calls or tool results is not a new
 * prompt but the one an earlier call of the same round trip was sent, now repeated as history
 * (OpenInference without a parent span makes each call a trace of its own).
 */
function turnPromptIndex(input: readonly ChatMessage[], history: boolean): number {
  const index = input.findLastIndex((m) => m.role === "user" && hasText(m));
  if (history || index === -1) return index;
  for (let i = index + 1; i < input.length; i++) {
    const role = (input[i] as ChatMessage).role;
    if (role !== "user" && role !== "system") return -1;
  }
  return index;
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
 * its usage and cost — in one event, so a span is written once.
 *
 * @example
 * recordEvents(chatSpan, "model") // [span.recorded with its model call]
 */
export function recordEvents(span: OtlpSpan, role: SpanRole): Timed[] {
  const time = toIso(span.startMs);
  // The model call before the span: both are in the head of the event's JSON (spanHeadEnd).
  const event: RunEvent =
    role === "model"
      ? {
          eventId: `otlp:s:${span.spanId}`,
          type: "span.recorded",
          time,
          model: modelCall(span),
          span: recordedSpan(span),
        }
      : { eventId: `otlp:s:${span.spanId}`, type: "span.recorded", time, span: recordedSpan(span) };
  return [{ at: span.startMs, event }];
}

/**
 * Where the head of `body`, the JSON of a `span.recorded` event built here, ends: all the store
 * reads of it (its id, type and time, the model call, the span's id and start), before the rest
 * of the span (its trace id and on, attributes included). The writing thread parses only the
 * head, closed with `}}` (parseMappedEvent). 0 when `body` has no such head.
 *
 * @example
 * spanHeadEnd(event, storedBody(event)) // the index of `,"traceId":` in the span
 */
export function spanHeadEnd(event: RunEvent, body: string): number {
  // Inside a string a quote is escaped: these keys are the event's own, the first ones found.
  if (event.type !== "span.recorded") return 0;
  const span = body.indexOf(',"span":{"spanId":');
  if (span < 0) return 0;
  if (event.model !== undefined) {
    const model = body.indexOf(',"model":{');
    if (model < 0 || model > span) return 0;
  }
  const end = body.indexOf(',"traceId":', span);
  return Math.max(end, 0);
}

function modelCall(span: OtlpSpan): ModelCall {
  const a = span.attributes;
  const provider = providerOf(a).slice(0, 200);
  const model = modelOf(a).slice(0, 500);
  const usage = usageOf(a);
  const cost = costOf(a, provider, model, usage);
  const error = spanError(span);
  return {
    callId: span.spanId,
    provider,
    model,
    usage,
    ...(cost !== undefined ? { cost } : {}),
    latencyMs: Math.max(0, span.endMs - span.startMs),
    spanId: span.spanId,
    ...(error ? { error } : {}),
  };
}

/**
 * An agent's reply written before any model call of its trace said it (the root came first):
 * the hash of what it says, and the model reply that said it since (its event id), if one did.
 */
export interface AgentReply {
  said: string;
  /** The agent's message: its id and time, and whether it carried reasoning. */
  id: string;
  time: string;
  thoughts: boolean;
  by?: string;
  /** Batches of that model reply that claimed it and are not given back (nor written yet, or written). */
  claims?: number;
}

/**
 * What `traceMessages` saw of a trace's model calls: how many, and how many of them and of its
 * agents' spans carried messages; the agents' replies it added (`agentReplies`), and the earlier
 * ones a model reply claimed (`saidByAgent`).
 */
export interface ContentSeen {
  models: number;
  saying: number;
  replies?: AgentReply[];
  claimed?: AgentReply[];
}

export interface TraceMessageOptions {
  /** Earlier user messages of an input are added too (see `ContentKeys.history`). */
  history: boolean;
  /**
   * Agents' replies are added (those no model call of `spans` said). Off for spans of a trace
   * already written whole: a re-sent agent span would otherwise add its reply a second time.
   */
  agentReplies: boolean;
  /**
   * Replies an agent of the trace said in an earlier batch, before its model calls came: the
   * first model reply that says one claims it and is written as the agent's message (its id, so
   * the words show once, even should the agent's batch not have been written), its reasoning
   * under an id of its own when the agent's reply had none; that reply sent again does the same,
   * and another model reply saying the words again adds them.
   */
  saidByAgent?: readonly AgentReply[];
}

/**
 * The conversation of a trace's spans, in `messageEvents` order: an agent's reply that one of its
 * model calls already said (they say the same final words) is left out, so it shows once.
 *
 * @example
 * traceMessages([agentSpan, chatSpan], { history: false, agentReplies: true }) // the prompt, the reply (once), tool calls…
 */
export function traceMessages(
  spans: readonly RoledSpan[],
  { history, agentReplies, saidByAgent }: TraceMessageOptions,
  seen: ContentSeen = { models: 0, saying: 0 },
): Timed[] {
  const timed: Timed[] = [];
  const replies: Timed[] = [];
  const modelSaid = new Set<string>();
  for (const { span, role } of spans) {
    const content = spanContent(span, role);
    if (role === "model") seen.models++;
    if ((role === "model" || role === "agent") && (content.input.length > 0 || content.output.length > 0))
      seen.saying++;
    for (const item of messageEvents(span, role, content, history)) {
      const said = assistantText(item.event);
      if (said === undefined) timed.push(item);
      else if (role === "agent") replies.push(item);
      else {
        const claimed = saidByAgent !== undefined ? claim(saidByAgent, item.event, said, seen) : undefined;
        if (claimed === undefined) {
          modelSaid.add(said);
          timed.push(item);
        } else {
          for (const event of asAgentReply(claimed, item.event)) timed.push({ at: item.at, event });
        }
      }
    }
  }
  if (!agentReplies) return timed;
  const added = new Set<string>();
  for (const item of replies) {
    const said = assistantText(item.event) as string;
    if (modelSaid.has(said)) continue;
    timed.push(item);
    // One entry per message: agents saying the same words (nested ones) add one message.
    const hash = shortHash(said);
    if (!added.has(hash) && item.event.type === "message.added") {
      const { message, time } = item.event;
      seen.replies?.push({
        said: hash,
        id: message.id,
        time,
        thoughts: message.parts.some((p) => p.type === "thought"),
      });
    }
    added.add(hash);
  }
  return timed;
}

/**
 * The agent's reply that the model reply `event` (saying `said`) repeats: the entry it claimed
 * before (it is sent again), else the first unclaimed one with its words, which it now claims
 * (noted in `seen.claimed`); undefined when it repeats none.
 */
function claim(
  saidByAgent: readonly AgentReply[],
  event: RunEvent,
  said: string,
  seen: ContentSeen,
): AgentReply | undefined {
  const hash = shortHash(said);
  const reply =
    saidByAgent.find((r) => r.by === event.eventId) ?? saidByAgent.find((r) => r.by === undefined && r.said === hash);
  if (reply === undefined) return undefined;
  // Each batch that claims it holds it until given back: a copy of the request may be written
  // while another is given back.
  reply.by = event.eventId;
  reply.claims = (reply.claims ?? 0) + 1;
  seen.claimed?.push(reply);
  return reply;
}

/**
 * A model reply that repeats the agent's reply `reply`, as the agent's message (dropped by the
 * store as a duplicate when the agent's was written), with its reasoning when the agent's reply
 * had none under an id of its own (the model reply's full message may be written later under the
 * model reply's id).
 */
function asAgentReply(reply: AgentReply, event: RunEvent): RunEvent[] {
  if (event.type !== "message.added") return [];
  const thoughts = event.message.parts.filter((p) => p.type === "thought");
  const said = reply.thoughts ? event.message.parts : event.message.parts.filter((p) => p.type !== "thought");
  const events: RunEvent[] = [];
  if (!reply.thoughts && thoughts.length > 0) {
    events.push(message(event.time, `${event.message.id}-t`, "assistant", thoughts));
  }
  events.push(message(reply.time, reply.id, "assistant", said));
  return events;
}

/** The text an assistant message says, when it says something (not a tool call or result). */
function assistantText(event: RunEvent): string | undefined {
  if (event.type !== "message.added" || event.message.role !== "assistant") return undefined;
  const texts = event.message.parts.flatMap((p) => (p.type === "text" ? [p.text] : []));
  return texts.length > 0 ? texts.join("\n") : undefined;
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
export function messageEvents(span: OtlpSpan, role: SpanRole, content: SpanContent, history: boolean): Timed[] {
  const start = toIso(span.startMs);
  const endMs = span.endMs > 0 && role !== "model" ? span.endMs : span.startMs;
  const end = toIso(endMs);
  const keys: ContentKeys = {
    traceId: span.traceId,
    sourceId: span.spanId,
    agent: role === "agent",
    turnPrompt: true,
    history,
  };
  const atStart = contentEvents({ input: content.input, output: [] }, keys, start);
  const atEnd = contentEvents({ input: [], output: content.output }, keys, end);
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
