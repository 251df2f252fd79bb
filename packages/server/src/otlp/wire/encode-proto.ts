/**
 * Encodes an ExportTraceServiceRequest as protobuf, the reverse of decode-proto.ts: what the
 * exporter sends to another OTLP backend (and what tests and the benchmark send to the receiver).
 */
import type { Attributes, AttributeValue, OtlpSpan } from "../otlp-model.js";
import { REMOTE_PARENT } from "./decode-proto.js";
import { ProtoWriter } from "./proto-writer.js";

/** A span to encode: an OtlpSpan without its resource, which is given once per group. */
export type SpanToEncode = Omit<OtlpSpan, "resource">;

export interface ResourceSpansToEncode {
  resource: Attributes;
  scope: { name: string; version?: string };
  spans: SpanToEncode[];
}

const NS_PER_MS = 1_000_000;

function anyValue(w: ProtoWriter, value: AttributeValue): void {
  if (typeof value === "string") w.stringAlways(1, value);
  else if (typeof value === "boolean") w.key(2, 0).raw(value ? 1 : 0);
  else if (typeof value === "number") {
    if (Number.isSafeInteger(value)) w.int64(3, value);
    else w.double(4, value);
  } else if (Array.isArray(value)) {
    w.message(5, (list) => {
      for (const item of value) list.message(1, (v) => anyValue(v, item));
    });
  } else if (value !== null) {
    w.message(6, (kv) => attributes(kv, 1, value));
  }
}

function attributes(w: ProtoWriter, field: number, values: Attributes): void {
  for (const key in values) {
    w.message(field, (kv) => {
      kv.string(1, key);
      kv.message(2, (v) => anyValue(v, values[key] as AttributeValue));
    });
  }
}

const hex = (id: string) => Buffer.from(id, "hex");

function span(w: ProtoWriter, s: SpanToEncode): void {
  w.bytes(1, hex(s.traceId)).bytes(2, hex(s.spanId));
  if (s.parentSpanId) w.bytes(4, hex(s.parentSpanId));
  w.string(5, s.name)
    .int(6, s.kind)
    .fixed64(7, Math.round(s.startMs * NS_PER_MS))
    .fixed64(8, Math.round(s.endMs * NS_PER_MS));
  attributes(w, 9, s.attributes);
  for (const event of s.events) {
    w.message(11, (e) => {
      e.fixed64(1, Math.round(event.timeMs * NS_PER_MS)).string(2, event.name);
      attributes(e, 3, event.attributes);
    });
  }
  if (s.statusCode !== 0 || s.statusMessage) w.message(15, (st) => st.string(2, s.statusMessage).int(3, s.statusCode));
  if (s.parentIsRemote) w.fixed32(16, REMOTE_PARENT | 1);
}

/**
 * @example
 * const body = encodeTracesProto([{ resource: { "service.name": "shop" }, scope: { name: "keystroke" }, spans }]);
 */
export function encodeTracesProto(groups: ResourceSpansToEncode[]): Buffer {
  const w = new ProtoWriter();
  for (const group of groups) {
    w.message(1, (rs) => {
      rs.message(1, (r) => attributes(r, 1, group.resource));
      rs.message(2, (ss) => {
        ss.message(1, (scope) => scope.string(1, group.scope.name).string(2, group.scope.version ?? ""));
        for (const s of group.spans) ss.message(2, (sw) => span(sw, s));
      });
    });
  }
  return w.finish();
}
