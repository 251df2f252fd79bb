import { describe, expect, it } from "vitest";
import { catchKeystrokeError } from "../testing/catch-keystroke-error.js";
import { MAX_NESTING_DEPTH, nestedDeeperThan, tooDeepPath } from "./nesting-depth.js";
import { type FieldProblem, parseIngestBatch } from "./parse-batch.js";

const RUN = "run_01HZZZZZZZZZZZZZZZZZZZZZZZ";
const T0 = "2026-11-28T10:00:00.000Z";

/** `levels` arrays inside one another around 1: `nested(2)` is `[[1]]`. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

function toolCall(args: unknown): Record<string, unknown> {
  return {
    eventId: "evt_1",
    time: T0,
    type: "message.added",
    message: {
      id: "msg_1",
      role: "assistant",
      parts: [{ type: "tool_call", id: "call_1", name: "lookup", arguments: args }],
    },
  };
}

describe("nestedDeeperThan", () => {
  it("counts the value itself as level 1, arrays and objects alike", () => {
    const cases: [unknown, number, boolean][] = [
      [1, 0, false],
      ["[[[[", 0, false],
      [null, 0, false],
      [{}, 0, true],
      [{}, 1, false],
      [{ a: [[1]] }, 3, false],
      [{ a: [[[1]]] }, 3, true],
      [{ ok: { b: 1 }, deep: { x: { y: {} } } }, 3, true],
      [{ ok: { b: 1 }, deep: { x: { y: {} } } }, 4, false],
      [[[], [[[]]], {}], 3, true],
      [[[], [[[]]], {}], 4, false],
      [nested(3), 2, true],
      [nested(3), 3, false],
    ];
    for (const [value, max, deeper] of cases) {
      expect([value, max, nestedDeeperThan(value, max)]).toEqual([value, max, deeper]);
      // tooDeepPath finds a path exactly when there is one.
      expect(tooDeepPath(value, max) !== undefined).toBe(deeper);
    }
  });

  it("stops at the limit, however deep the value goes", () => {
    expect(nestedDeeperThan(nested(100_000), 32)).toBe(true);
    expect(nestedDeeperThan(nested(32), 32)).toBe(false);
  });
});

describe("tooDeepPath", () => {
  it("finds the first array or object past the limit, counting the value itself as level 1", () => {
    expect(tooDeepPath({ a: [[1]] }, 3)).toBeUndefined();
    expect(tooDeepPath({ a: [[[1]]] }, 3)).toEqual(["a", 0, 0]);
    expect(tooDeepPath({ ok: { b: 1 }, deep: { x: { y: {} } } }, 3)).toEqual(["deep", "x", "y"]);
  });

  it("walks 100,000 levels without overflowing the stack", () => {
    expect(tooDeepPath(nested(100_000))).toHaveLength(MAX_NESTING_DEPTH);
  });
});

describe("parseIngestBatch and nesting", () => {
  it("accepts tool arguments as deep as the limit allows", () => {
    // batch → events → event → message → parts → part → arguments: the arguments are level 7.
    const batch = parseIngestBatch({ runId: RUN, events: [toolCall(nested(MAX_NESTING_DEPTH - 7))] });
    expect(batch.events).toHaveLength(1);
  });

  it("refuses nesting thousands of levels deep with invalid_input naming the field", () => {
    const error = catchKeystrokeError(() =>
      parseIngestBatch({ runId: RUN, events: [toolCall({ query: nested(5_000) })] }),
    );
    expect(error.code).toBe("invalid_input");
    expect(error.message).toBe(
      `Invalid ingest batch: events[0].message.parts[0].arguments.query[0]…: nested deeper than ${MAX_NESTING_DEPTH} levels of arrays and objects`,
    );
    const problems = (error.details as { problems: FieldProblem[] }).problems;
    expect(problems).toEqual([{ path: "events[0].message.parts[0].arguments.query[0]…", message: expect.any(String) }]);
  });

  it("shows the first eight segments of the path, enough to name the field", () => {
    const error = catchKeystrokeError(() =>
      parseIngestBatch({ runId: RUN, events: [{ eventId: "e", time: T0, type: "run.started", input: nested(70) }] }),
    );
    expect(error.message).toContain("events[0].input[0][0][0][0][0]…: nested deeper than");
  });
});
