import { describe, expect, it } from "vitest";
import type { Span } from "../api/api";
import { spanTree } from "./span-tree";

const span = (spanId: string, start: number, parentSpanId?: string): Span => ({
  traceId: "0".repeat(32),
  spanId,
  parentSpanId,
  name: spanId,
  kind: "internal",
  startTime: new Date(start).toISOString(),
  endTime: new Date(start + 10).toISOString(),
  status: { code: "unset" },
  attributes: {},
  events: [],
});

describe("spanTree", () => {
  it("puts each parent before its children, siblings by start, with depths", () => {
    const rows = spanTree([span("a", 0), span("b", 1, "a"), span("c", 2, "b"), span("d", 3, "a"), span("e", 4)]);
    expect(rows.map((r) => `${r.depth}${r.span.spanId}`)).toEqual(["0a", "1b", "2c", "1d", "0e"]);
  });

  it("shows a span whose parent is not loaded at the top level", () => {
    expect(spanTree([span("x", 0, "f".repeat(16))]).map((r) => r.depth)).toEqual([0]);
  });
});
