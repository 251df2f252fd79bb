import { describe, expect, it } from "vitest";
import { retryAfterMs } from "./retry-after.js";

describe("retryAfterMs", () => {
  const now = Date.parse("2026-10-21T07:27:50Z");

  it("reads delay-seconds, capped", () => {
    expect(retryAfterMs("2", 30_000, now)).toBe(2000);
    expect(retryAfterMs("0", 30_000, now)).toBe(0);
    expect(retryAfterMs("120", 30_000, now)).toBe(30_000);
  });

  it("reads an HTTP date as the time until it, never negative, capped", () => {
    expect(retryAfterMs("Wed, 21 Oct 2026 07:28:00 GMT", 30_000, now)).toBe(10_000);
    expect(retryAfterMs("Wed, 21 Oct 2026 07:27:00 GMT", 30_000, now)).toBe(0);
    expect(retryAfterMs("Wed, 21 Oct 2026 08:00:00 GMT", 5000, now)).toBe(5000);
  });

  it("waits a second when the header is absent or unreadable", () => {
    expect(retryAfterMs(null, 30_000, now)).toBe(1000);
    expect(retryAfterMs("", 30_000, now)).toBe(1000);
    expect(retryAfterMs("soon", 30_000, now)).toBe(1000);
    expect(retryAfterMs("-3", 30_000, now)).toBe(1000);
  });
});
