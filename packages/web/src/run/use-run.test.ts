import { describe, expect, it } from "vitest";
import type { StoredMessage } from "../api/api";
import { withLiveMessage } from "./use-run";

const at = (s: number) => new Date(Date.parse("2026-12-01T10:00:00Z") + s * 1000).toISOString();
const stored = (id: string, s: number, index: number): StoredMessage => ({
  id,
  role: "user",
  parts: [{ type: "text", text: id }],
  time: at(s),
  runId: "run_1",
  index,
});
const live = (id: string, s: number) => ({ id, role: "assistant" as const, parts: [], time: at(s) });

describe("a message that comes live", () => {
  const shown = [stored("q1", 1, 0), stored("a1", 2, 1), stored("q2", 5, 2)];

  it("goes after those said before it or at the same time, and gets an index of its own", () => {
    const list = withLiveMessage(shown, true, live("a2", 6), "run_1");
    expect(list.map((m) => [m.id, m.index])).toEqual([
      ["q1", 0],
      ["a1", 1],
      ["q2", 2],
      ["a2", 3],
    ]);
    expect(withLiveMessage(shown, true, live("late", 2), "run_1").map((m) => m.id)).toEqual(["q1", "a1", "late", "q2"]);
  });

  it("is added once, and only where it falls among what is shown while pages remain to load", () => {
    expect(withLiveMessage(shown, true, live("a1", 9), "run_1")).toBe(shown);
    expect(withLiveMessage(shown, false, live("a2", 6), "run_1")).toBe(shown);
    expect(withLiveMessage(shown, false, live("early", 0), "run_1").map((m) => m.id)).toEqual([
      "early",
      "q1",
      "a1",
      "q2",
    ]);
  });
});
