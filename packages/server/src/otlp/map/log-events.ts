/**
 * The run events of one OTLP log record: always a `log.recorded` in the run's logs, and for the
 * GenAI events (`gen_ai.client.inference.operation.details` and the older per-message events)
 * the messages they carry, keyed as the same content on a span would be.
 */
import type { Log, LogLevel, RunEvent } from "@keystroke/core";
import { GenAI, toIso, toMillis } from "@keystroke/core";
import type { OtlpLogRecord } from "../otlp-model.js";
import { stringAt, textOf } from "./attribute-values.js";
import { type MessageOccurrence, occurrenceEventId } from "./message-occurrences.js";
import { shortHash } from "./run-identity.js";
import { genAiContent, messageEventContent, type SpanContent } from "./span-content.js";
import { type ContentKeys, contentEvents, type Timed } from "./span-events.js";

const levels: LogLevel[] = ["trace", "debug", "info", "warn", "error", "fatal"];
/** A log's message is cut at this many characters (the run-event schema's limit). */
const MAX_LOG_MESSAGE = 1_000_000;

function level(record: OtlpLogRecord): LogLevel {
  if (record.severityNumber >= 1 && record.severityNumber <= 24)
    return levels[Math.floor((record.severityNumber - 1) / 4)] as LogLevel;
  const text = record.severityText.toLowerCase();
  return levels.find((l) => text.startsWith(l)) ?? (text.startsWith("warning") ? "warn" : "info");
}

export function eventNameOf(record: OtlpLogRecord): string {
  return record.eventName || stringAt(record.attributes, "event.name") || "";
}

/** Whether the record is one of the GenAI events (and so makes its trace a run). */
export function isAiLog(record: OtlpLogRecord): boolean {
  return eventNameOf(record).startsWith(GenAI.prefix);
}

/**
 * The messages a GenAI log record carries, keyed as the same content on a span would be.
 * `history`: a record carrying a whole input adds its earlier user messages too (as spans do).
 * `occurrence`: for a per-message event, which message of the conversation it is; its message is
 * then keyed by it, so the history every call re-sends is kept once (message-occurrences.ts).
 *
 * @example
 * logMessageEvents(choiceRecord, false, { signature, count: 0 }) // [message.added]
 */
export function logMessageEvents(record: OtlpLogRecord, history: boolean, occurrence?: MessageOccurrence): Timed[] {
  const name = eventNameOf(record);
  if (!name.startsWith(GenAI.prefix)) return [];
  const time = toIso(record.timeMs || Date.now());
  const details = name === GenAI.inferenceDetailsEvent;
  const content: SpanContent = details ? genAiContent(record.attributes) : { input: [], output: [] };
  messageEventContent(name, record.body, content);
  const keys: ContentKeys = {
    traceId: record.traceId,
    sourceId: record.spanId || shortHash(time, name),
    turnPrompt: details,
    history: history || !details,
    ...(occurrence ? { occurrence: occurrence.count } : {}),
  };
  return contentEvents(content, keys, time).map((event) => ({ at: record.timeMs, event }));
}

/**
 * The record in the run's logs: keyed by its occurrence when it is a per-message event (so each
 * message's record is kept once per conversation), else by its content.
 */
export function logRecordEvent(record: OtlpLogRecord, occurrence?: MessageOccurrence): Timed {
  const name = eventNameOf(record);
  const time = toIso(record.timeMs || Date.now());
  const bodyText =
    typeof record.body === "string"
      ? record.body
      : record.body === null
        ? ""
        : textOf(record.body) || JSON.stringify(record.body);
  const attributes =
    name && record.attributes["event.name"] === undefined
      ? { ...record.attributes, "event.name": name }
      : record.attributes;
  // A GenAI event's body is kept as it came unless `message` is that body (text): its message can
  // be read again from it (otlpLogOf) when the receiver takes back what it held before a restart.
  const keepBody =
    name.startsWith(GenAI.prefix) &&
    (typeof record.body !== "string" || record.body === "" || record.body.length > MAX_LOG_MESSAGE);
  const event: RunEvent = {
    eventId: occurrence
      ? occurrenceEventId(occurrence)
      : `otlp:l:${shortHash(record.traceId, record.spanId, String(record.timeMs), name, bodyText, JSON.stringify(record.attributes))}`,
    type: "log.recorded",
    time,
    log: {
      time,
      level: level(record),
      message: (bodyText || name || "(empty log record)").slice(0, MAX_LOG_MESSAGE),
      attributes,
      ...(record.traceId ? { traceId: record.traceId } : {}),
      ...(record.spanId ? { spanId: record.spanId } : {}),
      ...(keepBody ? { body: record.body } : {}),
    },
  };
  return { at: record.timeMs, event };
}

/**
 * A GenAI log record as it came, from what the store keeps of it (logRecordEvent the other way),
 * for the receiver to take back the messages it held before a restart; undefined for any other
 * record, and for one kept without its trace (recorded by an earlier version).
 */
export function otlpLogOf(log: Log): OtlpLogRecord | undefined {
  const eventName = log.attributes["event.name"];
  if (typeof eventName !== "string" || !eventName.startsWith(GenAI.prefix) || log.traceId === undefined) {
    return undefined;
  }
  return {
    timeMs: toMillis(log.time),
    severityNumber: levels.indexOf(log.level) * 4 + 1,
    severityText: "",
    body: (log.body === undefined ? log.message : log.body) as OtlpLogRecord["body"],
    attributes: log.attributes as OtlpLogRecord["attributes"],
    traceId: log.traceId,
    spanId: log.spanId ?? "",
    eventName,
    resource: {},
  };
}
