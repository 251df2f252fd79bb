import { describe, expect, it } from "vitest";
import { toIso, toMillis } from "./time.js";

describe("toIso", () => {
  it("writes exactly what Date#toISOString writes, across days, the epoch and extended years", () => {
    const samples = [0, 1, 999, 86_399_999, 86_400_000, 1_795_000_000_123, 1_795_000_000_123.9, 951_782_400_000];
    for (let i = 0; i < 2000; i++) samples.push(Math.floor(Math.random() * 4_102_444_800_000));
    samples.push(-1, -86_400_001, 253_402_300_799_999, 253_402_300_800_000);
    for (const ms of samples) expect(toIso(ms)).toBe(new Date(Math.floor(ms)).toISOString());
  });
});

describe("toMillis", () => {
  it("reads exactly what Date.parse reads, in the stored form and any other", () => {
    const samples: string[] = [];
    for (let i = 0; i < 2000; i++) samples.push(new Date(Math.floor(Math.random() * 4_102_444_800_000)).toISOString());
    samples.push(
      "1970-01-01T00:00:00.000Z",
      "1969-12-31T23:59:59.999Z",
      "2026-02-28T23:59:59.999Z",
      "2028-02-29T12:00:00.000Z",
      // The same day again, after others: the date part kept from an earlier call is not reused wrongly.
      "2026-02-28T00:00:00.001Z",
      "2026-11-28T10:00:00+02:00",
      "2026-11-28T10:00:00.123456Z",
      "2026-11-28T10:00:00Z",
      "2026-11-28T24:00:00.000Z",
      "2026-11-28T10:60:00.000Z",
      "2026-11-28T10:00:61.000Z",
      "2026-13-28T10:00:00.000Z",
      "2026-02-30T10:00:00.000Z",
      "2026-11-28T1a:00:00.000Z",
      "2026-11-28 10:00:00.000Z",
      "+02026-11-28T10:00:00.00Z",
      "not a time at all, 24 ch",
      // 24 characters with the stored form's separators in place, but no ISO date: Date.parse's
      // own reading, whatever it is.
      "2026/1/28(T11:00:00.000Z",
      "2026-1-28 T11:00:00.000Z",
      "20261128T11:11:00.000Z..",
    );
    for (const iso of samples) expect(toMillis(iso), iso).toBe(Date.parse(iso));
  });
});
