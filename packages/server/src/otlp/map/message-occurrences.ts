/**
 * Which message a per-message GenAI log event is. instrumentation-openai and others send the whole
 * input of every model call as one log record per message (`gen_ai.system.message`,
 * `gen_ai.user.message`, `gen_ai.assistant.message`, `gen_ai.tool.message`) plus the answer
 * (`gen_ai.choice`), so a conversation of n turns re-sends every earlier message n times. A
 * message is told by its role and content and by how many times the same message came before it
 * in its call's input, so the same history in the next call maps to the same keys (kept once),
 * while the same words said again later ("yes", twice) are another message. An answer is keyed as
 * the replay of it in the next call's input will be: by how many times the same message came
 * before it in its own call's input. A call's input may be split over export requests, and its
 * answer usually comes in a later one (the call outlasts the log processor's delay), so each
 * call's counts are carried from request to request (`CallInputs`).
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

/** A per-message record of one call in one request, with the message it says. */
interface CallRecord {
  log: OtlpLogRecord;
  signature: string;
  /** `gen_ai.choice`: the call's answer, not part of its input. */
  choice: boolean;
}

/** A call's request as it was counted: its records' keys and counts, and how many copies of it are held. */
interface Counted {
  sent: string;
  counts: number[];
  /** The messages it added to the call's totals. */
  added: string[];
  /** Copies of the request counted so and not given back. */
  holders: number;
}

/** What is remembered of one model call's per-message records. */
interface CallMemory {
  /** How many times each message (by a hash of it) came in the call's input so far. */
  totals: Map<string, number>;
  /**
   * The highest count among the call's records the store kept before a restart, by the record's
   * time, answer or not, and message (`recordOf`).
   */
  stored: Map<string, number>;
  /** The call's last request. */
  last?: Counted;
}

/** The most counts `CallInputs` keeps in all, a call itself counting as one: about 100 bytes each. */
const MAX_REMEMBERED = 200_000;

/** A record told by its time (to the millisecond, as the store keeps it), answer or not, and message. */
const recordOf = (timeMs: number, choice: boolean, signature: string) =>
  `${Math.floor(timeMs)}\u0001${choice ? "a" : "i"}\u0001${signature}`;

/** Each record with its place among the same records before it: the same request again gives the same. */
function placed(records: readonly string[]): string[] {
  const same = new Map<string, number>();
  return records.map((record) => {
    const place = same.get(record) ?? 0;
    same.set(record, place + 1);
    return shortHash(record, String(place));
  });
}

/**
 * What recent model calls' per-message records said so far, across requests: a log processor
 * exports a call's records as they come, so its input may be split over requests (at the
 * processor's batch size), and its answer usually comes in a later one than its input (the call
 * outlasts the processor's delay). Each record is counted after the call's records that came
 * before it. The call's last request sent again (an exporter re-sends a request before it sends
 * the next) is counted as it was. After a restart, a record the store kept keeps its count: the
 * store keeps each message's record once per conversation, under the first call that sent it, so
 * a call's records there are the last of each message in its input, and a record the same as one
 * of them is counted from the end of its request. At most MAX_REMEMBERED counts are kept, the
 * calls heard from longest ago let go first; a call let go of is counted as new.
 */
export class CallInputs {
  /** By call, the least recently heard from first. */
  private readonly calls = new Map<string, CallMemory>();
  private size = 0;

  constructor(private readonly maxRemembered = MAX_REMEMBERED) {}

  /**
   * The counts of one call's records in one request, in their order, after what came before.
   * `undo` gets how to forget them (the store did not write them: the request comes again).
   */
  counts(call: string, records: readonly CallRecord[], undo?: (() => void)[]): number[] {
    const memory = this.memoryOf(call);
    const described = records.map(({ log, choice, signature }) => recordOf(log.timeMs, choice, signature));
    const sent = placed(described).join();
    const last = memory.last;
    if (last?.sent === sent) {
      last.holders++;
      undo?.push(() => this.giveBack(call, memory, last));
      return last.counts;
    }
    // How many of the same record come after each in this request.
    const remaining = new Map<string, number>();
    for (const record of described) remaining.set(record, (remaining.get(record) ?? 0) + 1);
    const before = memory.totals.size;
    const added: string[] = [];
    const counts = records.map(({ signature, choice }, i) => {
      const record = described[i] as string;
      const after = (remaining.get(record) as number) - 1;
      remaining.set(record, after);
      const stored = memory.stored.get(record);
      if (stored !== undefined && stored - after >= 0) return stored - after;
      const message = shortHash(signature);
      const count = memory.totals.get(message) ?? 0;
      if (!choice) {
        memory.totals.set(message, count + 1);
        added.push(message);
      }
      return count;
    });
    const counted: Counted = { sent, counts, added, holders: 1 };
    memory.last = counted;
    this.grown(memory.totals.size - before);
    undo?.push(() => this.giveBack(call, memory, counted));
    return counts;
  }

  /** A copy of a request the store could not write: once no copy is held, what it added goes. */
  private giveBack(call: string, memory: CallMemory, counted: Counted): void {
    counted.holders--;
    if (counted.holders > 0 || this.calls.get(call) !== memory) return;
    const size = memory.totals.size;
    for (const message of counted.added) {
      const left = (memory.totals.get(message) ?? 1) - 1;
      if (left > 0) memory.totals.set(message, left);
      else memory.totals.delete(message);
    }
    counted.added = [];
    if (memory.last === counted) memory.last = undefined;
    this.size -= size - memory.totals.size;
  }

  /**
   * Records of one call read back from the store, with the occurrences their ids say
   * (`storedOccurrence`): the same records sent again keep those counts, and what comes later of
   * the call is counted after them.
   */
  noteStored(call: string, stored: readonly { record: OtlpLogRecord; occurrence: MessageOccurrence }[]): void {
    const memory = this.memoryOf(call);
    const before = memory.totals.size + memory.stored.size;
    for (const { record, occurrence } of stored) {
      const choice = eventNameOf(record) === GenAI.choiceEvent;
      const key = recordOf(record.timeMs, choice, occurrence.signature);
      memory.stored.set(key, Math.max(memory.stored.get(key) ?? 0, occurrence.count));
      const message = shortHash(occurrence.signature);
      // An answer says how many came before it in the input; an input message, that it came once more.
      const times = occurrence.count + (choice ? 0 : 1);
      if ((memory.totals.get(message) ?? 0) < times) memory.totals.set(message, times);
    }
    this.grown(memory.totals.size + memory.stored.size - before);
  }

  private memoryOf(call: string): CallMemory {
    let memory = this.calls.get(call);
    if (memory === undefined) {
      memory = { totals: new Map(), stored: new Map() };
      this.size++;
    }
    // Most recently heard from last.
    this.calls.delete(call);
    this.calls.set(call, memory);
    return memory;
  }

  private grown(by: number): void {
    this.size += by;
    for (const [call, memory] of this.calls) {
      if (this.size <= this.maxRemembered || this.calls.size === 1) break;
      this.calls.delete(call);
      this.size -= 1 + memory.totals.size + memory.stored.size;
    }
  }
}

/**
 * The occurrence of every per-message event among `logs` (the records of one trace, in the order
 * they were emitted), counted per model call (span). With `calls`, counted after what earlier
 * requests brought of the same call (`trace`: the trace's key, which tells calls of different
 * traces, projects or conversations apart; `undo` as in CallInputs.counts); a record without a
 * span is counted within its request.
 *
 * @example
 * messageOccurrences(trace.logs).get(record) // { signature: "user\u0000text:Hi", count: 0 }
 */
export function messageOccurrences(
  logs: readonly OtlpLogRecord[],
  calls?: CallInputs,
  trace = "",
  undo?: (() => void)[],
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
    const counts =
      calls !== undefined && spanId !== "" ? calls.counts(callOf(trace, spanId), records, undo) : countWithin(records);
    records.forEach(({ log, signature }, i) => {
      result.set(log, { signature, count: counts[i] as number });
    });
  }
  return result;
}

/** Each record's count among the records of one request alone. */
function countWithin(records: readonly CallRecord[]): number[] {
  const seen = new Map<string, number>();
  return records.map(({ signature, choice }) => {
    const count = seen.get(signature) ?? 0;
    if (!choice) seen.set(signature, count + 1);
    return count;
  });
}

/** A model call's key in CallInputs: its trace's key and its span. */
export const callOf = (trace: string, spanId: string) => `${trace}\u0000${spanId}`;
