/**
 * Which message a per-message GenAI log event is. instrumentation-openai and others send the whole
 * input of every model call as one log record per message (`gen_ai.system.message`,
 * `gen_ai.user.message`, `gen_ai.assistant.message`, `gen_ai.tool.message`) plus the answer
 * (`gen_ai.choice`), so a conversation of n turns re-sends every earlier message n times. A
 * message is told by its role and content and by how many times the same message came before it
 * in its call's input, so the same history in the next call maps to the same keys (kept once),
 * while the same words said again later ("yes", twice) are another message. An answer is keyed as
 * the replay of it in the next call's input will be: by how many times the same message came
 * before it in its own call's input, which usually came in an earlier export request (the call
 * outlasts the log processor's delay), as a call's input may be split over requests: so each
 * call's counts are carried from request to request (`CallInputs`).
 */
import { GenAI } from "@keystroke/core";
import type { OtlpLogRecord } from "../otlp-model.js";
import { BoundedMap } from "./bounded-map.js";
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

/** A per-message record of one call in one request, with the message it says. */
interface CallRecord {
  log: OtlpLogRecord;
  signature: string;
  /** `gen_ai.choice`: the call's answer, not part of its input. */
  choice: boolean;
}

const callOf = (traceId: string, spanId: string) => `${traceId}\u0000${spanId}`;

/** What is remembered of one model call's per-message records. */
interface CallMemory {
  /** How many times each message (by a hash of it) came in its input so far. */
  totals: Map<string, number>;
  /** The last request's records of the call (by a hash of their times and messages) and their counts. */
  last?: { records: string; counts: number[] };
}

/**
 * What recent model calls' per-message records said so far, across requests: a log processor
 * exports a call's records as they come, so its input may be split over requests (at the
 * processor's batch size), and its answer usually comes in a later one than its input (the call
 * outlasts the processor's delay). Each record is counted after the call's earlier ones. The same
 * records again right after (an exporter re-sending a request, which it does before sending the
 * next) are counted as they were. Kept for the `max` calls last written to; a call forgotten, or
 * before a restart, is counted from its records in one request, as without this.
 */
export class CallInputs {
  private readonly calls: BoundedMap<CallMemory>;

  constructor(max = 5_000) {
    this.calls = new BoundedMap(max);
  }

  /** The counts of one call's records in one request, in their order, after what came before. */
  counts(call: string, records: readonly CallRecord[]): number[] {
    const memory: CallMemory = this.calls.get(call) ?? { totals: new Map() };
    const sent = shortHash(...records.map((r) => `${r.log.timeMs}\u0001${r.signature}`));
    let counts = memory.last?.records === sent ? memory.last.counts : undefined;
    if (counts === undefined) {
      counts = records.map(({ signature, choice }) => {
        const key = shortHash(signature);
        const count = memory.totals.get(key) ?? 0;
        if (!choice) memory.totals.set(key, count + 1);
        return count;
      });
      memory.last = { records: sent, counts };
    }
    this.calls.set(call, memory);
    return counts;
  }

  /**
   * A record read back from the store with the occurrence its id says (`storedOccurrence`): what
   * comes later of its call is counted after it.
   */
  noteStored(record: OtlpLogRecord, occurrence: MessageOccurrence): void {
    const call = callOf(record.traceId, record.spanId);
    const memory: CallMemory = this.calls.get(call) ?? { totals: new Map() };
    const key = shortHash(occurrence.signature);
    // An answer says how many came before it in the input; an input message, that it came once more.
    const times = occurrence.count + (eventNameOf(record) === GenAI.choiceEvent ? 0 : 1);
    if ((memory.totals.get(key) ?? 0) < times) memory.totals.set(key, times);
    this.calls.set(call, memory);
  }
}

/**
 * The occurrence of every per-message event among `logs` (the records of one trace, in the order
 * they were emitted), counted per model call (span): after what earlier requests brought of the
 * same call, as far as `calls` remembers (nothing, unless given).
 *
 * @example
 * messageOccurrences(trace.logs).get(record) // { signature: "user\u0000text:Hi", count: 0 }
 */
export function messageOccurrences(
  logs: readonly OtlpLogRecord[],
  calls = new CallInputs(),
): Map<OtlpLogRecord, MessageOccurrence> {
  const bySpan = new Map<string, CallRecord[]>();
  for (const log of logs) {
    const name = eventNameOf(log);
    if (!perMessageEvents.has(name)) continue;
    const content: SpanContent = { input: [], output: [] };
    messageEventContent(name, log.body, content);
    const choice = name === GenAI.choiceEvent;
    const message = choice ? content.output[0] : content.input[0];
    if (message === undefined) continue;
    const records = bySpan.get(log.spanId) ?? [];
    bySpan.set(log.spanId, records);
    records.push({ log, signature: signatureOf(message), choice });
  }
  const result = new Map<OtlpLogRecord, MessageOccurrence>();
  for (const [spanId, records] of bySpan) {
    const counts = calls.counts(callOf((records[0] as CallRecord).log.traceId, spanId), records);
    records.forEach(({ log, signature }, i) => {
      result.set(log, { signature, count: counts[i] as number });
    });
  }
  return result;
}
