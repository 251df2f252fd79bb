/**
 * Decodes ExportTraceServiceRequest and ExportLogsServiceRequest from protobuf, with the field
 * numbers of the OTLP .proto files (opentelemetry/proto/{collector,trace,logs,common,resource}/v1).
 * Unknown fields are skipped, as protobuf requires; a field with the wrong wire type, a length
 * past the end, a bad id length or nesting past MAX_VALUE_DEPTH makes the body undecodable.
 */
import {
  type Attributes,
  type AttributeValue,
  MAX_VALUE_DEPTH,
  type OtlpLogRecord,
  type OtlpSpan,
  type OtlpSpanEvent,
} from "../otlp-model.js";
import { ProtoReader, undecodable, WIRE_FIXED32, WIRE_FIXED64, WIRE_LENGTH, WIRE_VARINT } from "./proto-reader.js";

const NS_PER_MS = 1_000_000;
/** SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK | SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK */
export const REMOTE_PARENT = 0x300;

function anyValue(reader: ProtoReader, depth: number): AttributeValue {
  if (depth > MAX_VALUE_DEPTH) throw undecodable(`values nested deeper than ${MAX_VALUE_DEPTH}`, "AnyValue");
  let value: AttributeValue = null;
  while (reader.more()) {
    const [field, wire] = reader.tag();
    switch (field) {
      case 1:
        reader.expect(wire, WIRE_LENGTH, "AnyValue.string_value");
        value = reader.string();
        break;
      case 2:
        reader.expect(wire, WIRE_VARINT, "AnyValue.bool_value");
        value = reader.varint() !== 0;
        break;
      case 3:
        reader.expect(wire, WIRE_VARINT, "AnyValue.int_value");
        value = reader.int64();
        break;
      case 4:
        reader.expect(wire, WIRE_FIXED64, "AnyValue.double_value");
        value = reader.double();
        break;
      case 5: {
        reader.expect(wire, WIRE_LENGTH, "AnyValue.array_value");
        const list = reader.sub();
        const values: AttributeValue[] = [];
        while (list.more()) {
          const [f, w] = list.tag();
          if (f === 1) {
            list.expect(w, WIRE_LENGTH, "ArrayValue.values");
            values.push(anyValue(list.sub(), depth + 1));
          } else list.skip(w);
        }
        value = values;
        break;
      }
      case 6:
        reader.expect(wire, WIRE_LENGTH, "AnyValue.kvlist_value");
        value = keyValues(reader.sub(), depth + 1);
        break;
      case 7:
        reader.expect(wire, WIRE_LENGTH, "AnyValue.bytes_value");
        value = reader.base64();
        break;
      default:
        reader.skip(wire);
    }
  }
  return value;
}

/** A KeyValueList (or the repeated attributes of a message read through `into`). */
function keyValues(reader: ProtoReader, depth: number): Attributes {
  const out: Attributes = {};
  while (reader.more()) {
    const [field, wire] = reader.tag();
    if (field === 1) {
      reader.expect(wire, WIRE_LENGTH, "KeyValueList.values");
      keyValue(reader.sub(), out, depth);
    } else reader.skip(wire);
  }
  return out;
}

function keyValue(reader: ProtoReader, into: Attributes, depth: number): void {
  let key = "";
  let value: AttributeValue = null;
  while (reader.more()) {
    const [field, wire] = reader.tag();
    if (field === 1) {
      reader.expect(wire, WIRE_LENGTH, "KeyValue.key");
      key = reader.key();
    } else if (field === 2) {
      reader.expect(wire, WIRE_LENGTH, "KeyValue.value");
      value = anyValue(reader.sub(), depth + 1);
    } else reader.skip(wire);
  }
  if (key !== "__proto__") into[key] = value;
}

function resource(reader: ProtoReader): Attributes {
  const out: Attributes = {};
  while (reader.more()) {
    const [field, wire] = reader.tag();
    if (field === 1) {
      reader.expect(wire, WIRE_LENGTH, "Resource.attributes");
      keyValue(reader.sub(), out, 0);
    } else reader.skip(wire);
  }
  return out;
}

function id(reader: ProtoReader, bytes: number, field: string): string {
  const hex = reader.hex();
  if (hex.length !== 0 && hex.length !== bytes * 2) {
    throw undecodable(`${hex.length / 2} bytes where an id has ${bytes}`, field);
  }
  return hex;
}

function spanEvent(reader: ProtoReader): OtlpSpanEvent {
  const event: OtlpSpanEvent = { name: "", timeMs: 0, attributes: {} };
  while (reader.more()) {
    const [field, wire] = reader.tag();
    if (field === 1) {
      reader.expect(wire, WIRE_FIXED64, "Span.Event.time_unix_nano");
      event.timeMs = reader.fixed64() / NS_PER_MS;
    } else if (field === 2) {
      reader.expect(wire, WIRE_LENGTH, "Span.Event.name");
      event.name = reader.string();
    } else if (field === 3) {
      reader.expect(wire, WIRE_LENGTH, "Span.Event.attributes");
      keyValue(reader.sub(), event.attributes, 0);
    } else reader.skip(wire);
  }
  return event;
}

function span(reader: ProtoReader, resourceAttributes: Attributes): OtlpSpan {
  const out: OtlpSpan = {
    traceId: "",
    spanId: "",
    parentSpanId: undefined,
    parentIsRemote: false,
    name: "",
    kind: 0,
    startMs: 0,
    endMs: 0,
    attributes: {},
    events: [],
    statusCode: 0,
    statusMessage: "",
    resource: resourceAttributes,
  };
  while (reader.more()) {
    const [field, wire] = reader.tag();
    switch (field) {
      case 1:
        reader.expect(wire, WIRE_LENGTH, "Span.trace_id");
        out.traceId = id(reader, 16, "Span.trace_id");
        break;
      case 2:
        reader.expect(wire, WIRE_LENGTH, "Span.span_id");
        out.spanId = id(reader, 8, "Span.span_id");
        break;
      case 4: {
        reader.expect(wire, WIRE_LENGTH, "Span.parent_span_id");
        const parent = id(reader, 8, "Span.parent_span_id");
        out.parentSpanId = parent === "" ? undefined : parent;
        break;
      }
      case 5:
        reader.expect(wire, WIRE_LENGTH, "Span.name");
        out.name = reader.string();
        break;
      case 6:
        reader.expect(wire, WIRE_VARINT, "Span.kind");
        out.kind = reader.varint();
        break;
      case 7:
        reader.expect(wire, WIRE_FIXED64, "Span.start_time_unix_nano");
        out.startMs = reader.fixed64() / NS_PER_MS;
        break;
      case 8:
        reader.expect(wire, WIRE_FIXED64, "Span.end_time_unix_nano");
        out.endMs = reader.fixed64() / NS_PER_MS;
        break;
      case 9:
        reader.expect(wire, WIRE_LENGTH, "Span.attributes");
        keyValue(reader.sub(), out.attributes, 0);
        break;
      case 11:
        reader.expect(wire, WIRE_LENGTH, "Span.events");
        out.events.push(spanEvent(reader.sub()));
        break;
      case 15: {
        reader.expect(wire, WIRE_LENGTH, "Span.status");
        const status = reader.sub();
        while (status.more()) {
          const [f, w] = status.tag();
          if (f === 2) {
            status.expect(w, WIRE_LENGTH, "Status.message");
            out.statusMessage = status.string();
          } else if (f === 3) {
            status.expect(w, WIRE_VARINT, "Status.code");
            out.statusCode = status.varint();
          } else status.skip(w);
        }
        break;
      }
      case 16:
        reader.expect(wire, WIRE_FIXED32, "Span.flags");
        out.parentIsRemote = (reader.fixed32() & REMOTE_PARENT) === REMOTE_PARENT;
        break;
      default:
        reader.skip(wire);
    }
  }
  return out;
}

/**
 * Walks `Export*ServiceRequest { resource_* = 1 }` → `Resource* { resource = 1, scope_* = 2 }` →
 * `Scope* { items = 2 }`, calling `item` with each item's reader and its resource's attributes.
 */
function walk(body: Buffer, kind: string, item: (reader: ProtoReader, resource: Attributes) => void): void {
  const top = new ProtoReader(body);
  while (top.more()) {
    const [field, wire] = top.tag();
    if (field !== 1) {
      top.skip(wire);
      continue;
    }
    top.expect(wire, WIRE_LENGTH, `Resource${kind}`);
    const group = top.sub();
    let attributes: Attributes = {};
    const scopes: ProtoReader[] = [];
    while (group.more()) {
      const [f, w] = group.tag();
      if (f === 1) {
        group.expect(w, WIRE_LENGTH, `Resource${kind}.resource`);
        attributes = resource(group.sub());
      } else if (f === 2) {
        group.expect(w, WIRE_LENGTH, `Resource${kind}.scope_${kind.toLowerCase()}`);
        scopes.push(group.sub());
      } else group.skip(w);
    }
    for (const scope of scopes) {
      while (scope.more()) {
        const [f, w] = scope.tag();
        if (f === 2) {
          scope.expect(w, WIRE_LENGTH, `Scope${kind}.${kind === "Spans" ? "spans" : "log_records"}`);
          item(scope.sub(), attributes);
        } else scope.skip(w);
      }
    }
  }
}

/**
 * @example
 * const spans = decodeTracesProto(await readFile("export.bin"));
 */
export function decodeTracesProto(body: Buffer): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  walk(body, "Spans", (reader, attributes) => spans.push(span(reader, attributes)));
  return spans;
}

function logRecord(reader: ProtoReader, resourceAttributes: Attributes): OtlpLogRecord {
  const out: OtlpLogRecord = {
    timeMs: 0,
    severityNumber: 0,
    severityText: "",
    body: null,
    attributes: {},
    traceId: "",
    spanId: "",
    eventName: "",
    resource: resourceAttributes,
  };
  let observedMs = 0;
  while (reader.more()) {
    const [field, wire] = reader.tag();
    switch (field) {
      case 1:
        reader.expect(wire, WIRE_FIXED64, "LogRecord.time_unix_nano");
        out.timeMs = reader.fixed64() / NS_PER_MS;
        break;
      case 11:
        reader.expect(wire, WIRE_FIXED64, "LogRecord.observed_time_unix_nano");
        observedMs = reader.fixed64() / NS_PER_MS;
        break;
      case 2:
        reader.expect(wire, WIRE_VARINT, "LogRecord.severity_number");
        out.severityNumber = reader.varint();
        break;
      case 3:
        reader.expect(wire, WIRE_LENGTH, "LogRecord.severity_text");
        out.severityText = reader.string();
        break;
      case 5:
        reader.expect(wire, WIRE_LENGTH, "LogRecord.body");
        out.body = anyValue(reader.sub(), 0);
        break;
      case 6:
        reader.expect(wire, WIRE_LENGTH, "LogRecord.attributes");
        keyValue(reader.sub(), out.attributes, 0);
        break;
      case 8:
        reader.expect(wire, WIRE_FIXED32, "LogRecord.flags");
        reader.fixed32();
        break;
      case 9:
        reader.expect(wire, WIRE_LENGTH, "LogRecord.trace_id");
        out.traceId = id(reader, 16, "LogRecord.trace_id");
        break;
      case 10:
        reader.expect(wire, WIRE_LENGTH, "LogRecord.span_id");
        out.spanId = id(reader, 8, "LogRecord.span_id");
        break;
      case 12:
        reader.expect(wire, WIRE_LENGTH, "LogRecord.event_name");
        out.eventName = reader.string();
        break;
      default:
        reader.skip(wire);
    }
  }
  if (out.timeMs === 0) out.timeMs = observedMs;
  return out;
}

/**
 * @example
 * const records = decodeLogsProto(body);
 */
export function decodeLogsProto(body: Buffer): OtlpLogRecord[] {
  const records: OtlpLogRecord[] = [];
  walk(body, "Logs", (reader, attributes) => records.push(logRecord(reader, attributes)));
  return records;
}
