/**
 * The OTLP/JSON encoding of spans, for sending to a Keystroke server's `/v1/traces`: ids as hex,
 * times as decimal strings of nanoseconds, attribute values as AnyValue.
 */

export type Value = string | number | boolean | undefined;

export interface OtlpSpanJson {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, Value>;
  error?: string;
}

function anyValue(value: Exclude<Value, undefined>): Record<string, unknown> {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

const nanos = (ms: number) => `${Math.round(ms)}000000`;

/**
 * @example
 * JSON.stringify(exportRequest("my-service", spans))
 */
export function exportRequest(serviceName: string, spans: OtlpSpanJson[]): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: serviceName } }] },
        scopeSpans: [
          {
            scope: { name: "keystroke/openai-agents" },
            spans: spans.map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
              name: span.name,
              kind: 1,
              startTimeUnixNano: nanos(span.startMs),
              endTimeUnixNano: nanos(span.endMs),
              attributes: Object.entries(span.attributes)
                .filter((entry): entry is [string, Exclude<Value, undefined>] => entry[1] !== undefined)
                .map(([key, value]) => ({ key, value: anyValue(value) })),
              status: span.error ? { code: 2, message: span.error } : {},
            })),
          },
        ],
      },
    ],
  };
}
