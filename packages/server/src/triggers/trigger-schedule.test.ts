import { describe, expect, it } from "vitest";
import { parseSchedule } from "./trigger-schedule.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe("the next tick of a schedule", () => {
  it("reads a 5-field expression in the source's time zone", () => {
    const paris = parseSchedule("0 9 * * 1-5", "Europe/Paris");
    // Friday 2026-11-27 12:00 UTC → next weekday 9:00 Paris is Monday 08:00 UTC (winter, UTC+1).
    expect(iso(paris.next(at("2026-11-27T12:00:00Z")))).toBe("2026-11-30T08:00:00.000Z");
    const newYork = parseSchedule("0 9 * * 1-5", "America/New_York");
    expect(iso(newYork.next(at("2026-11-27T12:00:00Z")))).toBe("2026-11-27T14:00:00.000Z");
    const tokyo = parseSchedule("30 18 * * *", "Asia/Tokyo");
    expect(iso(tokyo.next(at("2026-06-01T00:00:00Z")))).toBe("2026-06-01T09:30:00.000Z");
  });

  it("reads a 6-field expression with seconds first", () => {
    const everyTen = parseSchedule("*/10 * * * * *", "UTC");
    expect(iso(everyTen.next(at("2026-01-01T00:00:03Z")))).toBe("2026-01-01T00:00:10.000Z");
  });

  it("follows croner across a DST change: a skipped local time fires at the next valid one, a repeated one once", () => {
    const nightly = parseSchedule("30 2 * * *", "Europe/Paris");
    // 2026-03-29: Paris jumps from 02:00 to 03:00; 02:30 does not exist that day.
    expect(iso(nightly.next(at("2026-03-28T12:00:00Z")))).toBe("2026-03-29T01:00:00.000Z");
    // Before the change 02:30 Paris is 01:30 UTC; after it, 00:30 UTC.
    expect(iso(nightly.next(at("2026-03-27T12:00:00Z")))).toBe("2026-03-28T01:30:00.000Z");
    expect(iso(nightly.next(at("2026-03-29T12:00:00Z")))).toBe("2026-03-30T00:30:00.000Z");
    // 2026-10-25: 02:30 happens twice (CEST then CET); it fires once, at the first.
    const first = nightly.next(at("2026-10-24T12:00:00Z"));
    expect(iso(first)).toBe("2026-10-25T00:30:00.000Z");
    expect(iso(nightly.next(first ?? 0))).toBe("2026-10-26T01:30:00.000Z");
  });

  it("takes a duration for a poll", () => {
    expect(parseSchedule("5m", undefined).next(1000)).toBe(301_000);
  });

  it("names the field of a bad expression or time zone", () => {
    expect(() => parseSchedule("61 * * * *", undefined, "nightly")).toThrow(/nightly.*schedule.*minute/);
    expect(() => parseSchedule("* * * * * * *", undefined, "nightly")).toThrow(/schedule/);
    expect(() => parseSchedule("* * * * *", "Mars/Base", "nightly")).toThrow(/timezone "Mars\/Base"/);
  });
});
