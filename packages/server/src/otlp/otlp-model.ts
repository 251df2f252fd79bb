/**
 * What the OTLP decoders (protobuf and JSON alike) produce and the mapping reads: spans and log
 * records flattened out of their resource and scope, ids as lowercase hex, times as epoch
 * milliseconds, attribute values as plain JSON values.
 */

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

export type Attributes = Record<string, AttributeValue>;

/** Span kinds by their OTLP enum number (0, unspecified, reads as internal). */
export const spanKinds = ["internal", "internal", "server", "client", "producer", "consumer"] as const;

export interface OtlpSpanEvent {
  name: string;
  timeMs: number;
  attributes: Attributes;
}

export interface OtlpSpan {
  /** 32 hex digits, or "" when the sender left it out. */
  traceId: string;
  /** 16 hex digits, or "" when the sender left it out. */
  spanId: string;
  parentSpanId: string | undefined;
  /** Whether the parent is in another process (span flags bits 8 and 9), so this span is the local root. */
  parentIsRemote: boolean;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Attributes;
  events: OtlpSpanEvent[];
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
  /** The attributes of the resource that sent the span, shared by its siblings. */
  resource: Attributes;
}

export interface OtlpLogRecord {
  timeMs: number;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  attributes: Attributes;
  traceId: string;
  spanId: string;
  eventName: string;
  resource: Attributes;
}

/** Deepest nesting of array and map values accepted; deeper is refused as hostile. */
export const MAX_VALUE_DEPTH = 32;
