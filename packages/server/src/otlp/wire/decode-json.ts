/**
 * Decodes the OTLP/JSON encoding of ExportTraceServiceRequest and ExportLogsServiceRequest:
 * lowerCamelCase field names, ids as hex, enums as integers, 64-bit integers as decimal strings
 * (numbers are accepted too). Unknown fields are ignored as the spec asks; a known field of the
 * wrong type makes the body undecodable, with the path of the field in the message.
 */
import {
  type Attributes,
  type AttributeValue,
  MAX_VALUE_DEPTH,
  type OtlpLogRecord,
  type OtlpSpan,
  type OtlpSpanEvent,
} from "../otlp-model.js";
import { REMOTE_PARENT } from "./decode-proto.js";
import { undecodable } from "./proto-reader.js";

type Json = Record<string, unknown>;

const MAX_UINT64 = 2 ** 64;

function object(value: unknown, path: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw undecodable("expected an object", path);
  return value as Json;
}

function list(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw undecodable("expected an array", path);
  return value;
}

function text(value: unknown, path: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw undecodable("expected a string", path);
  return value;
}

function integer(value: unknown, path: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d{1,20}$/.test(value)) return Number(value);
  throw undecodable("expected an integer (a number or a decimal string)", path);
}

/** A time in nanoseconds since the epoch, as epoch milliseconds. */
function nanos(value: unknown, path: string): number {
  const ns = integer(value, path);
  if (ns < 0 || ns > MAX_UINT64) throw undecodable("expected a time in nanoseconds since 1970, within 64 bits", path);
  return ns / 1_000_000;
}

function hexId(value: unknown, bytes: number, path: string): string {
  const hex = text(value, path).toLowerCase();
  if (hex !== "" && (hex.length !== bytes * 2 || !/^[0-9a-f]+$/.test(hex))) {
    throw undecodable(`expected ${bytes * 2} hex digits`, path);
  }
  return hex;
}

function anyValue(value: unknown, path: string, depth: number): AttributeValue {
  if (depth > MAX_VALUE_DEPTH) throw undecodable(`values nested deeper than ${MAX_VALUE_DEPTH}`, path);
  if (value === undefined || value === null) return null;
  const any = object(value, path);
  if ("stringValue" in any) return text(any.stringValue, `${path}.stringValue`);
  if ("boolValue" in any) {
    if (typeof any.boolValue !== "boolean") throw undecodable("expected a boolean", `${path}.boolValue`);
    return any.boolValue;
  }
  if ("intValue" in any) return integer(any.intValue, `${path}.intValue`);
  if ("doubleValue" in any) {
    const double = any.doubleValue;
    if (typeof double === "number") return double;
    if (double === "NaN" || double === "Infinity" || double === "-Infinity") return null;
    throw undecodable("expected a number", `${path}.doubleValue`);
  }
  if ("arrayValue" in any) {
    const values = list(object(any.arrayValue, `${path}.arrayValue`).values, `${path}.arrayValue.values`);
    return values.map((item, i) => anyValue(item, `${path}.arrayValue.values[${i}]`, depth + 1));
  }
  if ("kvlistValue" in any) {
    const values = object(any.kvlistValue, `${path}.kvlistValue`).values;
    return keyValues(values, `${path}.kvlistValue.values`, depth + 1);
  }
  if ("bytesValue" in any) return text(any.bytesValue, `${path}.bytesValue`);
  return null;
}

function keyValues(value: unknown, path: string, depth = 0): Attributes {
  const out: Attributes = {};
  list(value, path).forEach((item, i) => {
    const kv = object(item, `${path}[${i}]`);
    const key = text(kv.key, `${path}[${i}].key`);
    if (key !== "__proto__") out[key] = anyValue(kv.value, `${path}[${i}].value`, depth + 1);
  });
  return out;
}

function spanEvent(value: unknown, path: string): OtlpSpanEvent {
  const event = object(value, path);
  return {
    name: text(event.name, `${path}.name`),
    timeMs: nanos(event.timeUnixNano, `${path}.timeUnixNano`),
    attributes: keyValues(event.attributes, `${path}.attributes`),
  };
}

function span(value: unknown, path: string, resource: Attributes): OtlpSpan {
  const s = object(value, path);
  const status = s.status === undefined || s.status === null ? {} : object(s.status, `${path}.status`);
  const parent = hexId(s.parentSpanId, 8, `${path}.parentSpanId`);
  return {
    traceId: hexId(s.traceId, 16, `${path}.traceId`),
    spanId: hexId(s.spanId, 8, `${path}.spanId`),
    parentSpanId: parent === "" ? undefined : parent,
    parentIsRemote: (integer(s.flags, `${path}.flags`) & REMOTE_PARENT) === REMOTE_PARENT,
    name: text(s.name, `${path}.name`),
    kind: integer(s.kind, `${path}.kind`),
    startMs: nanos(s.startTimeUnixNano, `${path}.startTimeUnixNano`),
    endMs: nanos(s.endTimeUnixNano, `${path}.endTimeUnixNano`),
    attributes: keyValues(s.attributes, `${path}.attributes`),
    events: list(s.events, `${path}.events`).map((e, i) => spanEvent(e, `${path}.events[${i}]`)),
    statusCode: integer(status.code, `${path}.status.code`),
    statusMessage: text(status.message, `${path}.status.message`),
    resource,
  };
}

/** Walks resource → scope → item as the protobuf decoder does, with JSON paths for errors. */
function walk(
  body: unknown,
  names: { resource: string; scope: string; items: string },
  item: (value: unknown, path: string, resource: Attributes) => void,
): void {
  const top = object(body, "(body)");
  list(top[names.resource], names.resource).forEach((group, g) => {
    const groupPath = `${names.resource}[${g}]`;
    const r = object(group, groupPath);
    const resource =
      r.resource === undefined || r.resource === null
        ? {}
        : keyValues(object(r.resource, `${groupPath}.resource`).attributes, `${groupPath}.resource.attributes`);
    list(r[names.scope], `${groupPath}.${names.scope}`).forEach((scope, s) => {
      const scopePath = `${groupPath}.${names.scope}[${s}]`;
      const items = object(scope, scopePath)[names.items];
      list(items, `${scopePath}.${names.items}`).forEach((value, i) => {
        item(value, `${scopePath}.${names.items}[${i}]`, resource);
      });
    });
  });
}

/**
 * @example
 * const spans = decodeTracesJson(JSON.parse(text));
 */
export function decodeTracesJson(body: unknown): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  walk(body, { resource: "resourceSpans", scope: "scopeSpans", items: "spans" }, (value, path, resource) =>
    spans.push(span(value, path, resource)),
  );
  return spans;
}

function logRecord(value: unknown, path: string, resource: Attributes): OtlpLogRecord {
  const r = object(value, path);
  const timeMs = nanos(r.timeUnixNano, `${path}.timeUnixNano`);
  return {
    timeMs: timeMs || nanos(r.observedTimeUnixNano, `${path}.observedTimeUnixNano`),
    severityNumber: integer(r.severityNumber, `${path}.severityNumber`),
    severityText: text(r.severityText, `${path}.severityText`),
    body: anyValue(r.body, `${path}.body`, 0),
    attributes: keyValues(r.attributes, `${path}.attributes`),
    traceId: hexId(r.traceId, 16, `${path}.traceId`),
    spanId: hexId(r.spanId, 8, `${path}.spanId`),
    eventName: text(r.eventName, `${path}.eventName`),
    resource,
  };
}

/**
 * @example
 * const records = decodeLogsJson(JSON.parse(text));
 */
export function decodeLogsJson(body: unknown): OtlpLogRecord[] {
  const records: OtlpLogRecord[] = [];
  walk(body, { resource: "resourceLogs", scope: "scopeLogs", items: "logRecords" }, (value, path, resource) =>
    records.push(logRecord(value, path, resource)),
  );
  return records;
}
