import { describe, expect, it } from "vitest";
import { formatCost, formatDuration, formatPreciseTime, formatTime, missingValue } from "./format-values.js";

describe("display formats", () => {
  it.each([
    [null, "—"],
    [undefined, "—"],
    [0, "0ms"],
    [850, "850ms"],
    [1234, "1.2s"],
    [12_345, "12.3s"],
    [59_949, "59.9s"],
    [59_999, "1m 00s"],
    [185_000, "3m 05s"],
    [7_380_000, "2h 03m"],
    [93_600_000, "1d 02h"],
  ])("reads a duration of %j ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("reads costs in dollars, four decimals under a dollar", () => {
    expect(formatCost(0.01234)).toBe("$0.0123");
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(0.00001)).toBe("<$0.0001");
    expect(formatCost(1234.5)).toBe("$1,234.50");
    expect(formatCost(null)).toBe(missingValue);
  });

  it("reads a time in the reader's zone, date first, with milliseconds when asked", () => {
    const iso = "2026-11-28T10:00:03.120Z";
    const d = new Date(iso);
    const pad = (n: number) => String(n).padStart(2, "0");
    const local = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:03`;
    expect(formatTime(iso)).toBe(local);
    expect(formatPreciseTime(iso)).toBe(`${local}.120`);
    expect(formatTime(null)).toBe("—");
    expect(formatTime("not a time")).toBe("not a time");
  });
});
