import { describe, expect, it } from "vitest";
import { slugFromName, slugPattern } from "./slug";

describe("a slug from a name", () => {
  it("keeps lowercase letters and digits joined by single dashes", () => {
    expect(slugFromName("Support Bot (EU)")).toBe("support-bot-eu");
    expect(slugFromName("  Café — Crème 2  ")).toBe("cafe-creme-2");
    expect(slugFromName("!!!")).toBe("");
    expect(slugFromName(`${"a".repeat(63)} b`)).toBe("a".repeat(63));
  });

  it("makes what the slug inputs accept", () => {
    const whole = new RegExp(`^(?:${slugPattern})$`, "v");
    expect(whole.test(slugFromName("Support Bot (EU)"))).toBe(true);
    expect(whole.test("support_bot.v2")).toBe(true);
    expect(whole.test("-support")).toBe(false);
    expect(whole.test("Support")).toBe(false);
  });
});
