import { describe, expect, it } from "vitest";
import type { Attributes } from "../otlp-model.js";
import { decodeTracesProto } from "./decode-proto.js";
import { encodeTracesProto, type SpanToEncode } from "./encode-proto.js";

const span = (n: number, attributes: Attributes): SpanToEncode => ({
  traceId: "a".repeat(32),
  spanId: n.toString(16).padStart(16, "0"),
  parentSpanId: undefined,
  parentIsRemote: false,
  name: `span ${n}`,
  kind: 1,
  startMs: 1_795_000_000_000 + n,
  endMs: 1_795_000_000_100 + n,
  attributes,
  events: [],
  statusCode: 0,
  statusMessage: "",
});

describe("decodeTracesProto", () => {
  it("reads every attribute's key as sent, keys that look alike, repeat or are not ASCII included", () => {
    // Same length, first and last byte: the keys a reader keeps for the next span must still be told apart.
    const sets: Attributes[] = [
      { "gen_ai.operation.name": "chat", "gen_ai.operation.nome": 1, "a.b": true },
      { "gen_ai.operation.nome": 2, "gen_ai.operation.name": "execute_tool", "a.c": false, "a.b": "x" },
      { "modèle.nom": "é", "modele.nom": "e", "mod\u00e8le.n\u00f6m": 3, "": "empty key" },
      // As many bytes as an ASCII key kept before, with the same first and last byte.
      { axye: 1, "a\u00e9e": 2, "a\u00e9e.x": 3, axyze: 4 },
      { [`k${"x".repeat(150)}k`]: "long", "gen_ai.operation.name": "invoke_agent" },
    ];
    const spans = [...sets, ...sets].map((attributes, i) => span(i + 1, attributes));
    const decoded = decodeTracesProto(encodeTracesProto([{ resource: {}, scope: { name: "test" }, spans }]));
    expect(decoded.map((s) => s.attributes)).toEqual([...sets, ...sets]);
  });
});
