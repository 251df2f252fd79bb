import { KeystrokeError } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import { parseOptions } from "./parse-options.js";
import { runFilterFlags, toRunFilter } from "./run-filter-flags.js";

const filterOf = (raw: Record<string, unknown>) => toRunFilter(parseOptions(runFilterFlags, raw));

function failure(raw: Record<string, unknown>): KeystrokeError {
  try {
    filterOf(raw);
  } catch (thrown) {
    if (thrown instanceof KeystrokeError) return thrown;
  }
  throw new Error("expected a KeystrokeError");
}

describe("toRunFilter", () => {
  it("splits repeated and comma-separated lists and drops absent flags", () => {
    expect(filterOf({ status: ["failed,running", "queued"], kind: ["agent"], search: "refund" })).toEqual({
      status: ["failed", "running", "queued"],
      kind: ["agent"],
      search: "refund",
    });
    expect(filterOf({})).toEqual({});
  });

  it("reads --since as a period back from now or a time", () => {
    const before = Date.now();
    const from = filterOf({ since: "24h" }).from ?? 0;
    expect(from).toBeGreaterThanOrEqual(before - 86_400_000);
    expect(from).toBeLessThanOrEqual(Date.now() - 86_400_000);
    expect(filterOf({ since: "2026-11-28T10:00:00Z" }).from).toBe(Date.parse("2026-11-28T10:00:00Z"));
  });

  it("names the flag, the value and what was expected", () => {
    const status = failure({ status: ["failed", "nope"] });
    expect(status.code).toBe("invalid_input");
    expect(status.message).toMatch(/^Invalid --status "failed,nope": expected one of "queued"\|"running"/);
    expect(status.details).toMatchObject({ problems: [{ path: "--status" }] });
    expect(failure({ since: "soon" }).message).toBe(
      'Invalid --since "soon": expected a period such as 30m, 24h or 7d, or an ISO 8601 time',
    );
    expect(failure({ search: "" }).message).toMatch(/^Invalid --search/);
  });
});
