import { describe, expect, it } from "vitest";
import { splitSlackText } from "./split-slack-text.js";

describe("splitSlackText", () => {
  it("keeps a short answer whole", () => {
    expect(splitSlackText("  Hello there  ")).toEqual(["Hello there"]);
  });

  it("prefers paragraph breaks, then line breaks, then spaces", () => {
    expect(splitSlackText("aaaa bbbb\ncccc\n\ndddd", 16)).toEqual(["aaaa bbbb\ncccc", "dddd"]);
    expect(splitSlackText("aaaa bbbb\ncccc dddd", 16)).toEqual(["aaaa bbbb", "cccc dddd"]);
    expect(splitSlackText("aaaa bbbb cccc dddd", 16)).toEqual(["aaaa bbbb cccc", "dddd"]);
  });

  it("cuts a word only when nothing else fits, and never inside an emoji", () => {
    expect(splitSlackText("x".repeat(25), 10)).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
    const pieces = splitSlackText(`${"x".repeat(9)}😀yyy`, 10);
    expect(pieces).toEqual(["x".repeat(9), "😀yyy"]);
  });

  it("never exceeds the limit", () => {
    const text = Array.from({ length: 200 }, (_, i) => `line ${i} ${"w".repeat(i % 37)}`).join("\n");
    const pieces = splitSlackText(text, 300);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(300);
    expect(pieces.join("\n")).toBe(text);
  });
});
