import { describe, expect, it } from "vitest";
import type { OtlpLogRecord } from "../otlp-model.js";
import { CallInputs, messageOccurrences } from "./message-occurrences.js";

const record = (spanId: string, name: string, body: unknown, timeMs = 1): OtlpLogRecord => ({
  timeMs,
  severityNumber: 9,
  severityText: "",
  body: body as OtlpLogRecord["body"],
  attributes: { "event.name": name },
  traceId: "t".repeat(32),
  spanId,
  eventName: "",
  resource: {},
});

/** A call's input says "Done." once; its answer, in a later request, says it again. */
function answerCount(calls: CallInputs, others: number): number | undefined {
  messageOccurrences([record("a", "gen_ai.assistant.message", { content: "Done." })], calls, "trace");
  for (let n = 0; n < others; n++) {
    messageOccurrences([record(`other-${n}`, "gen_ai.choice", { message: { content: "Hi" } })], calls, "trace");
  }
  const answer = record("a", "gen_ai.choice", { message: { content: "Done." } }, 2);
  return messageOccurrences([answer], calls, "trace").get(answer)?.count;
}

describe("CallInputs", () => {
  it("counts a call's answer after its input from an earlier request", () => {
    expect(answerCount(new CallInputs(), 50)).toBe(1);
  });

  it("lets go of the calls heard from longest ago past its bound, calls that only answered included", () => {
    expect(answerCount(new CallInputs(20), 50)).toBe(0);
  });
});
