import { KeystrokeError, parseRunFilter, runFilterFieldList } from "@keystroke/core";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parseOptions } from "./parse-options.js";
import { addRunFilterFlags, runFilterFlags, toRunFilter } from "./run-filter-flags.js";

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
    expect(failure({ costMin: "cheap" }).message).toBe('Invalid --cost-min "cheap": expected a number');
    expect(failure({ costMin: "-1" }).message).toMatch(/^Invalid --cost-min "-1": /);
  });
});

describe("the filter flags", () => {
  const parsed = (argv: string[]) => {
    const command = addRunFilterFlags(new Command("list").exitOverride());
    command.parse(argv, { from: "user" });
    return toRunFilter(parseOptions(runFilterFlags, command.opts()));
  };

  it.each(runFilterFieldList)("offers --$flag for $name, read as the API reads its parameter", (field) => {
    const command = addRunFilterFlags(new Command("list"));
    expect(command.options.map((o) => o.long)).toContain(`--${field.flag}`);
    expect(parsed([`--${field.flag}`, field.example])).toEqual(parseRunFilter({ [field.param]: field.example }));
  });

  it("offers only the flags asked for", () => {
    const command = addRunFilterFlags(new Command("list"), ["status", "since"]);
    expect(command.options.map((o) => o.long)).toEqual(["--status", "--since"]);
  });
});
