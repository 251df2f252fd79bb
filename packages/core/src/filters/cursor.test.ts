import { describe, expect, it } from "vitest";
import { catchKeystrokeError, problemPaths } from "../testing/catch-keystroke-error.js";
import { decodeCursor, decodePosition, encodeCursor, encodePosition, type RunCursor } from "./cursor.js";

/** base64url of arbitrary text, to forge cursors. */
const forge = (text: string) => Buffer.from(text, "utf8").toString("base64url");

describe("encodeCursor / decodeCursor", () => {
  it.each<RunCursor>([
    { time: Date.parse("2026-11-28T10:00:00Z"), runId: "run_01HZZZZZZZZZZZZZZZZZZZZZZZ" },
    { time: 0, runId: "run_0" },
    { time: -86_400_000, runId: "before-1970" },
    { time: 1_795_860_000_000, runId: "rün_ünïcødé_日本語_😀" },
    { time: 1, runId: 'quotes " and \\ and ,' },
  ])("round-trips %j", (cursor) => {
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it("is URL-safe and opaque", () => {
    const value = encodeCursor({ time: 1_795_860_000_000, runId: "run_?&=/+ü😀" });
    expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(value).not.toContain("run_");
    expect(encodeURIComponent(value)).toBe(value);
  });

  it("gives different cursors for different positions", () => {
    expect(encodeCursor({ time: 1, runId: "a" })).not.toBe(encodeCursor({ time: 2, runId: "a" }));
    expect(encodeCursor({ time: 1, runId: "a" })).not.toBe(encodeCursor({ time: 1, runId: "b" }));
  });

  it.each([
    ["empty", ""],
    ["not base64", "!!!not a cursor!!!"],
    ["base64 of text", forge("hello")],
    ["an object", forge(JSON.stringify({ time: 1, runId: "run_1" }))],
    ["wrong version", forge(JSON.stringify([2, 1, "run_1"]))],
    ["no version", forge(JSON.stringify([1, "run_1"]))],
    ["fractional time", forge(JSON.stringify([1, 1.5, "run_1"]))],
    ["time as a string", forge(JSON.stringify([1, "1", "run_1"]))],
    ["run id as a number", forge(JSON.stringify([1, 1, 7]))],
    ["a position cursor", encodePosition(["2026-11-28T10:00:00Z", 3])],
  ])("rejects %s as invalid_input naming cursor", (_label, value) => {
    const error = catchKeystrokeError(() => decodeCursor(value));
    expect(error.code).toBe("invalid_input");
    expect(error.httpStatus).toBe(400);
    expect(error.message).toBe("Invalid cursor");
    expect(problemPaths(error)).toEqual(["cursor"]);
    expect(error.hint).toContain("nextCursor");
  });

  it("rejects a tampered cursor", () => {
    const value = encodeCursor({ time: 1_795_860_000_000, runId: "run_01HZZZZZZZZZZZZZZZZZZZZZZZ" });
    const flippedFirst = `${value[0] === "W" ? "X" : "W"}${value.slice(1)}`;
    const truncated = value.slice(0, Math.floor(value.length / 2));
    for (const tampered of [flippedFirst, truncated, `${value}@`]) {
      const error = catchKeystrokeError(() => decodeCursor(tampered));
      expect(error.code).toBe("invalid_input");
      expect(problemPaths(error)).toEqual(["cursor"]);
    }
  });
});

describe("encodePosition / decodePosition", () => {
  it.each<(string | number)[][]>([[["2026-11-28T10:00:00.000Z", 42, "span_ü😀"]], [[0]], [[-1.5, "", "a,b"]], [[]]])(
    "round-trips %j",
    (position) => {
      const value = encodePosition(position);
      expect(value).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(decodePosition(value, "messagesCursor")).toEqual(position);
    },
  );

  it.each([
    ["garbage", "%%%"],
    ["base64 of text", forge("nope")],
    ["an object", forge(JSON.stringify({ seq: 1 }))],
    ["a string", forge(JSON.stringify("seq"))],
    ["an array with null", forge(JSON.stringify([1, null]))],
    ["an array with a boolean", forge(JSON.stringify([true]))],
    ["a nested array", forge(JSON.stringify([[1]]))],
  ])("rejects %s as invalid_input naming the field it was given", (_label, value) => {
    const error = catchKeystrokeError(() => decodePosition(value, "spansCursor"));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toBe("Invalid spansCursor");
    expect(problemPaths(error)).toEqual(["spansCursor"]);
  });
});
