import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { Span, StoredLog } from "../api/api";
import { rowsOf, rowText } from "./raw-document";

const span = (i: number) =>
  ({
    traceId: "a".repeat(32),
    spanId: String(i).padStart(16, "0"),
    name: `chat ${i}`,
    kind: "client",
    startTime: "2026-11-28T10:00:00.000Z",
    endTime: "2026-11-28T10:00:01.000Z",
    status: { code: "ok" },
    attributes: { "gen_ai.usage.input_tokens": i, nested: { list: [1, 2] } },
    events: [],
  }) as unknown as Span;
const log = {
  runId: "run_1",
  index: 0,
  time: "2026-11-28T10:00:00.500Z",
  level: "info",
  message: "hi",
  attributes: {},
} as unknown as StoredLog;
const yaml = (value: unknown) => stringify(value, { lineWidth: 0 });

describe("the raw trace document, row by row", () => {
  it.each([
    ["spans and logs", [span(1), span(2), span(3)], [log]],
    ["no logs", [span(1)], []],
    ["nothing", [], []],
  ])("joins to exactly the whole JSON and YAML text (%s)", (_name, spans, logs) => {
    const json = rowsOf("json", spans, logs).map((row) => rowText(row, "json", undefined));
    expect(json.join("\n")).toBe(JSON.stringify({ spans, logs }, null, 2));
    const lines = rowsOf("yaml", spans, logs).map((row) => rowText(row, "yaml", yaml));
    expect(`${lines.join("\n")}\n`).toBe(yaml({ spans, logs }));
  });
});
