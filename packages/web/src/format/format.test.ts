import { describe, expect, it } from "vitest";
import { formatCost, formatDuration, formatInline, formatRelative, formatUntil, formatWait } from "./format";

describe("formatting for the page", () => {
  it("reads durations at the scale they have", () => {
    expect(formatDuration(850)).toBe("850ms");
    expect(formatDuration(1234)).toBe("1.2s");
    expect(formatDuration(12_345)).toBe("12.3s");
    expect(formatDuration(192_000)).toBe("3m 12s");
    expect(formatDuration(7_500_000)).toBe("2h 05m");
    expect(formatDuration(null)).toBe("—");
  });

  it("prints costs in dollars with four decimals under a dollar", () => {
    expect(formatCost(0.01234)).toBe("$0.0123");
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(0.00001)).toBe("<$0.0001");
    expect(formatCost(1234.5)).toBe("$1,234.50");
  });

  it("says how long ago a time was", () => {
    const now = Date.parse("2026-11-28T10:03:00Z");
    expect(formatRelative("2026-11-28T10:00:00Z", now)).toBe("3 min ago");
    expect(formatRelative("2026-11-27T10:00:00Z", now)).toBe("1 d ago");
  });

  it("says how long until a time to come, and 'now' once it has passed", () => {
    const now = Date.parse("2026-11-28T10:00:00Z");
    expect(formatUntil("2026-11-28T10:00:03Z", now)).toBe("in 3 s");
    expect(formatUntil("2026-11-28T10:00:02.200Z", now)).toBe("in 3 s");
    expect(formatUntil("2026-11-28T10:05:30Z", now)).toBe("in 5 min");
    expect(formatUntil("2026-11-28T13:00:00Z", now)).toBe("in 3 h");
    expect(formatUntil("2026-12-01T10:00:00Z", now)).toBe("in 3 d");
    expect(formatUntil("2026-11-28T10:00:00Z", now)).toBe("now");
    expect(formatUntil("2026-11-28T09:59:00Z", now)).toBe("now");
    expect(formatUntil(null, now)).toBe("");
  });

  it("shows raw values on one line", () => {
    expect(formatInline({ command: "keystroke" })).toBe('{"command":"keystroke"}');
    expect(formatInline("0 9 * * *")).toBe("0 9 * * *");
    expect(formatInline(null)).toBe("—");
  });

  it("says how long to wait before trying again", () => {
    expect(formatWait(0)).toBe("1 s");
    expect(formatWait(42)).toBe("42 s");
    expect(formatWait(900)).toBe("15 min");
    expect(formatWait(61)).toBe("2 min");
    expect(formatWait(7200)).toBe("2 h");
  });
});
