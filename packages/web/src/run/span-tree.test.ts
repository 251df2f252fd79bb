import { describe, expect, it } from "vitest";
import type { Span } from "../api/api";
import { SpanTree } from "./span-tree";

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

const rows = (tree: SpanTree) => {
  const { index, depth } = tree.order();
  return Array.from(index, (i, row) => `${depth[row]}${tree.spans[i]?.spanId}`);
};

describe("SpanTree", () => {
  it("puts each parent before its children, siblings by start, with depths", () => {
    const tree = new SpanTree();
    tree.add([span("a", 0), span("b", 1, "a"), span("c", 2, "b"), span("d", 3, "a"), span("e", 4)]);
    expect(rows(tree)).toEqual(["0a", "1b", "2c", "1d", "0e"]);
    expect(tree.max - tree.min).toBe(14);
  });

  it("grows page by page, and moves a span under its parent once the parent arrives", () => {
    const tree = new SpanTree();
    tree.add([span("a", 0), span("x", 1, "p")]);
    expect(rows(tree)).toEqual(["0a", "0x"]);
    tree.add([span("b", 2, "a"), span("p", 3, "a")]);
    expect(rows(tree)).toEqual(["0a", "1b", "1p", "2x"]);
  });

  it("orders a deep and wide trace of 100,000 spans", () => {
    const tree = new SpanTree();
    const hex = (n: number) => n.toString(16).padStart(16, "0");
    tree.add(
      Array.from({ length: 100_000 }, (_, i) => span(hex(i + 1), i, i === 0 ? undefined : hex(1 + Math.floor(i / 10)))),
    );
    const { index } = tree.order();
    expect(index.length).toBe(100_000);
    expect(index[0]).toBe(0);
  });
});
