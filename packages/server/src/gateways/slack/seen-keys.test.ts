import { describe, expect, it } from "vitest";
import { SeenKeys } from "./seen-keys.js";

describe("SeenKeys", () => {
  it("says a key is new once, until it expires", () => {
    let now = 0;
    const seen = new SeenKeys({ ttlMs: 1_000, now: () => now });
    expect(seen.add("Ev1")).toBe(true);
    expect(seen.add("Ev1")).toBe(false);
    now = 999;
    expect(seen.add("Ev1")).toBe(false);
    now = 1_000;
    expect(seen.add("Ev1")).toBe(true);
  });

  it("keeps at most maxEntries, forgetting the oldest first", () => {
    const seen = new SeenKeys({ maxEntries: 3 });
    for (const key of ["a", "b", "c", "d"]) seen.add(key);
    expect(seen.size).toBe(3);
    expect(seen.add("b")).toBe(false);
    expect(seen.add("a")).toBe(true);
  });

  it("drops expired entries as new ones come, so memory stays bounded by age too", () => {
    let now = 0;
    const seen = new SeenKeys({ ttlMs: 10, now: () => now });
    for (let i = 0; i < 100; i++) seen.add(`old${i}`);
    now = 20;
    seen.add("new");
    expect(seen.size).toBe(1);
  });
});
