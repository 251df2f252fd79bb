/**
 * Which message a per-message GenAI log event is. instrumentation-openai and others send the whole
 * input of every model call as one log record per message (`gen_ai.system.message`,
 * `gen_ai.user.message`, `gen_ai.assistant.message`, `gen_ai.tool.message`) plus the answer
 * (`gen_ai.choice`), so a conversation of n turns re-sends every earlier message n times. A
 * message is told by its role and content and by how many times the same message came before it
 * in its call's input, so the same history in the next call maps to the same keys (kept once),
 * while the same words said again later ("yes", twice) are another message. An answer is keyed as
 * the replay of it in the next call's input will be.
 */
import { GenAI } from "@keystroke/core";
import type { OtlpLogRecord } from "../otlp-model.js";
import { signatureOf } from "./chat-messages.js";
import { eventNameOf } from "./log-events.js";
import { countHashedAs, shortHash } from "./run-identity.js";
import { messageEventContent, type SpanContent } from "./span-content.js";

/** A message event's place in its conversation. */
export interface MessageOccurrence {
  /** Role and content of the message. */
  signature: string;
  /** How many times the same message came before it in its call's input. */
  count: number;
}

const perMessageEvents = new Set<string>([
  GenAI.systemMessageEvent,
  GenAI.userMessageEvent,
  GenAI.assistantMessageEvent,
  GenAI.toolMessageEvent,
  GenAI.choiceEvent,
]);

const ID_PREFIX = "otlp:l:";
/** What a per-message record's id hashes before its count. */
const idKey = (signature: string) => ["message", signature];

/** The id of the `log.recorded` event of a per-message record: one per message of the conversation. */
export function occurrenceEventId(occurrence: MessageOccurrence): string {
  return `${ID_PREFIX}${shortHash(...idKey(occurrence.signature), String(occurrence.count))}`;
}

/**
 * How far `storedOccurrence` looks for the count a stored record's id says: how many times the
 * same message came before in one call's input (a record past it is counted again instead).
 */
const MAX_STORED_COUNT = 1_000;

/**
 * The occurrence a stored per-message record was written as, told by its event id (which hashes
 * its signature and count): counting again among the records the store kept would not do, as
 * it keeps each message's record once per conversation. Undefined for any other record.
 */
export function storedOccurrence(record: OtlpLogRecord, eventId: string): MessageOccurrence | undefined {
  const signature = messageOccurrences([record]).get(record)?.signature;
  if (signature === undefined || !eventId.startsWith(ID_PREFIX)) return undefined;
  const count = countHashedAs(idKey(signature), eventId.slice(ID_PREFIX.length), MAX_STORED_COUNT);
  return count === undefined ? undefined : { signature, count };
}

/**
 * The occurrence of every per-message event among `logs` (the records of one trace, in the order
 * they were emitted), counted per model call (span).
 *
 * @example
 * messageOccurrences(trace.logs).get(record) // { signature: "user\u0000text:Hi", count: 0 }
 */
export function messageOccurrences(logs: readonly OtlpLogRecord[]): Map<OtlpLogRecord, MessageOccurrence> {
  const result = new Map<OtlpLogRecord, MessageOccurrence>();
  const bySpan = new Map<string, Map<string, number>>();
  for (const log of logs) {
    const name = eventNameOf(log);
    if (!perMessageEvents.has(name)) continue;
    const content: SpanContent = { input: [], output: [] };
    messageEventContent(name, log.body, content);
    const choice = name === GenAI.choiceEvent;
    const message = choice ? content.output[0] : content.input[0];
    if (message === undefined) continue;
    const signature = signatureOf(message);
    let seen = bySpan.get(log.spanId);
    if (seen === undefined) {
      seen = new Map();
      bySpan.set(log.spanId, seen);
    }
    const count = seen.get(signature) ?? 0;
    if (!choice) seen.set(signature, count + 1);
    result.set(log, { signature, count });
  }
  return result;
}
