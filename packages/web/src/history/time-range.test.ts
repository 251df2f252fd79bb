import { describe, expect, it } from "vitest";
import { dateInputValue, dateParamValue } from "./time-range";

describe("the time filter's dates", () => {
  it("shows absolute times in UTC, whether ISO or epoch milliseconds", () => {
    expect(dateInputValue("2026-11-27T09:30:00.000Z")).toBe("2026-11-27T09:30");
    expect(dateInputValue(String(Date.UTC(2026, 10, 27, 9, 30)))).toBe("2026-11-27T09:30");
    expect(dateInputValue("")).toBe("");
  });

  it("shows relative spans and nonsense as empty instead of throwing", () => {
    for (const value of ["24h", "7d", "last tuesday", "99999999999999999999"]) expect(dateInputValue(value)).toBe("");
  });

  it("puts the input's time in the URL as ISO, and nothing for an empty or broken input", () => {
    expect(dateParamValue("2026-11-27T09:30")).toBe("2026-11-27T09:30:00.000Z");
    expect(dateParamValue("")).toBe("");
    expect(dateParamValue("2026-13-45T99:99")).toBe("");
  });
});
