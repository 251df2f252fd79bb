import { describe, expect, it } from "vitest";
import type { OtlpLogRecord } from "../otlp-model.js";
import { logMessageEvents, logRecordEvent, otlpLogOf } from "./log-events.js";
import { messageOccurrences } from "./message-occurrences.js";

const record = (eventName: string, body: unknown, eventNameField = false): OtlpLogRecord => ({
  timeMs: Date.parse("2026-11-28T10:00:00.000Z"),
  severityNumber: 9,
  severityText: "INFO",
  body: body as OtlpLogRecord["body"],
  attributes: eventNameField ? { "gen_ai.system": "openai" } : { "event.name": eventName, "gen_ai.system": "openai" },
  traceId: "5b8aa5a2d2c872e8321cf37308d69df2",
  spanId: "00000000000000a1",
  eventName: eventNameField ? eventName : "",
  resource: {},
});

describe("otlpLogOf", () => {
  it.each([
    ["a user message", "gen_ai.user.message", { content: "A night train to Vienna?" }],
    ["a text body over a log's 1,000,000 characters", "gen_ai.user.message", "x".repeat(1_200_000)],
    ["a text body that is JSON", "gen_ai.user.message", '{"content":"Hi"}'],
    ["an empty body", "gen_ai.user.message", ""],
    ["no body", "gen_ai.choice", null],
    [
      "words and tool calls in one message",
      "gen_ai.assistant.message",
      {
        content: "Let me check.",
        tool_calls: [{ id: "call-1", type: "function", function: { name: "lookup", arguments: "{}" } }],
      },
    ],
    ["a tool's result", "gen_ai.tool.message", { id: "call-1", content: '{"status":"shipped"}' }],
    [
      "an answer",
      "gen_ai.choice",
      { index: 0, finish_reason: "stop", message: { role: "assistant", content: "Sunny." } },
    ],
  ])("reads %s back as the record that came, with the same messages", (_, name, body) => {
    for (const eventNameField of [false, true]) {
      const came = record(name, body, eventNameField);
      const occurrence = messageOccurrences([came]).get(came);
      const stored = logRecordEvent(came, occurrence).event;
      if (stored.type !== "log.recorded") throw new Error("not a log.recorded");
      const back = otlpLogOf(JSON.parse(JSON.stringify(stored.log)));
      expect(back).toBeDefined();
      const again = back as OtlpLogRecord;
      expect(messageOccurrences([again]).get(again)).toEqual(occurrence);
      expect(logMessageEvents(again, false, occurrence)).toEqual(logMessageEvents(came, false, occurrence));
    }
  });

  it("reads back no record that is not a GenAI event, nor one kept without its trace", () => {
    const plain = logRecordEvent(record("app.started", "ready")).event;
    const genAi = logRecordEvent(record("gen_ai.user.message", { content: "Hi" })).event;
    if (plain.type !== "log.recorded" || genAi.type !== "log.recorded") throw new Error("not a log.recorded");
    expect(otlpLogOf(plain.log)).toBeUndefined();
    const { traceId: _, ...withoutTrace } = genAi.log;
    expect(otlpLogOf(withoutTrace)).toBeUndefined();
  });
});
