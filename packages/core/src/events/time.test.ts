import { describe, expect, it } from "vitest";
import { toIso } from "./time.js";

describe("toIso", () => {
  it("writes exactly what Date#toISOString writes, across days, the epoch and extended years", () => {
    const samples = [0, 1, 999, 86_399_999, 86_400_000, 1_795_000_000_123, 1_795_000_000_123.9, 951_782_400_000];
    for (let i = 0; i < 2000; i++) samples.push(Math.floor(Math.random() * 4_102_444_800_000));
    samples.push(-1, -86_400_001, 253_402_300_799_999, 253_402_300_800_000);
    for (const ms of samples) expect(toIso(ms)).toBe(new Date(Math.floor(ms)).toISOString());
  });
});
