import type { Span } from "../api/api";

export interface SpanRow {
  span: Span;
  depth: number;
  startMs: number;
  endMs: number;
}

/**
 * The waterfall's rows: spans in tree order (each parent before its children, siblings by start
 * time), with their depth. A span whose parent is not loaded yet sits at the top level.
 *
 * @example
 * spanTree(spans).map((r) => `${"  ".repeat(r.depth)}${r.span.name}`);
 */
export function spanTree(spans: readonly Span[]): SpanRow[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const span of spans) {
    const parent = span.parentSpanId;
    if (parent === undefined || !ids.has(parent) || parent === span.spanId) {
      roots.push(span);
      continue;
    }
    const list = children.get(parent);
    if (list === undefined) children.set(parent, [span]);
    else list.push(span);
  }
  const rows: SpanRow[] = [];
  const stack: { span: Span; depth: number }[] = roots.map((span) => ({ span, depth: 0 })).reverse();
  while (stack.length > 0) {
    const { span, depth } = stack.pop() as { span: Span; depth: number };
    const startMs = Date.parse(span.startTime);
    rows.push({ span, depth, startMs, endMs: span.endTime ? Date.parse(span.endTime) : startMs });
    const kids = children.get(span.spanId);
    if (kids !== undefined) {
      children.delete(span.spanId);
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i] as Span, depth: depth + 1 });
    }
  }
  return rows;
}
