import { describe, expect, it } from "vitest";
import { formatCost, formatDuration, formatList, formatTime, kindLabel, statusLabel } from "./format-values.js";

describe("format-values", () => {
  it.each([
    [null, "—"],
    [0, "0ms"],
    [850, "850ms"],
    [1234, "1.2s"],
    [59_949, "59.9s"],
    [185_000, "3m 05s"],
    [7_380_000, "2h 03m"],
  ])("formats a duration of %j ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("formats costs in USD, four decimals under a dollar", () => {
    expect(formatCost(0.0123)).toBe("$0.0123");
    expect(formatCost(0)).toBe("$0");
    expect(formatCost(12.5)).toBe("$12.50");
  });

  it("formats times as local date and time", () => {
    const iso = "2026-11-28T10:00:03.000Z";
    const d = new Date(iso);
    const pad = (n: number) => String(n).padStart(2, "0");
    expect(formatTime(iso)).toBe(
      `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:03`,
    );
    expect(formatTime(null)).toBe("—");
  });

  it("labels statuses and kinds from the catalog", () => {
    expect(statusLabel("waiting_on_hook")).toBe("Waiting on hook");
    expect(statusLabel("failed")).toBe("Failed");
    expect(kindLabel("workflow")).toBe("Workflow");
    expect(formatList([])).toBe("—");
    expect(formatList(["a", "b"])).toBe("a, b");
  });
});
