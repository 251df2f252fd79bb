import { describe, expect, it } from "vitest";
import type { KeystrokeError } from "../errors/keystroke-error.js";
import { catchKeystrokeError } from "../testing/catch-keystroke-error.js";
import {
  parseRunFilter,
  parseTime,
  type QueryParams,
  type RunFilter,
  runFilterParams,
  runFilterToParams,
  validateRunFilter,
} from "./run-filter.js";

const NOW = Date.parse("2026-11-28T12:00:00.000Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Problem {
  path: string;
  message: string;
}

function problemPaths(error: KeystrokeError): string[] {
  return (error.details as { problems: Problem[] }).problems.map((p) => p.path);
}

const parse = (params: QueryParams, ignore: readonly string[] = []) => parseRunFilter(params, ignore, NOW);

/** What a server sees after a client sent `params` over HTTP. */
function overTheWire(params: URLSearchParams): QueryParams {
  const received = new URLSearchParams(params.toString());
  const out: Record<string, string[]> = {};
  for (const key of new Set(received.keys())) out[key] = received.getAll(key);
  return out;
}

describe("parseRunFilter: lists", () => {
  it("reads a single value as a one-item list", () => {
    expect(parse({ status: "failed" })).toEqual({ status: ["failed"] });
  });

  it("reads repeated parameters", () => {
    expect(parse({ status: ["failed", "running"] })).toEqual({ status: ["failed", "running"] });
  });

  it("reads comma-separated lists, trimming spaces and skipping empty items", () => {
    expect(parse({ status: "failed, running,,queued " })).toEqual({ status: ["failed", "running", "queued"] });
  });

  it("mixes repeated and comma lists", () => {
    expect(parse({ kind: ["agent,workflow"], project: ["demo", "a,b"] })).toEqual({
      kind: ["agent", "workflow"],
      project: ["demo", "a", "b"],
    });
  });

  it("reads every list field", () => {
    expect(
      parse({
        kind: "agent",
        status: "sleeping",
        project: "demo",
        source: "gateway",
        trigger: "Slack thread",
        actor: "usr_1",
        model: "anthropic/claude-sonnet-4.6",
        service: "slack",
        slug: "support",
      }),
    ).toEqual({
      kind: ["agent"],
      status: ["sleeping"],
      project: ["demo"],
      source: ["gateway"],
      trigger: ["Slack thread"],
      actor: ["usr_1"],
      model: ["anthropic/claude-sonnet-4.6"],
      service: ["slack"],
      slug: ["support"],
    });
  });

  it("skips parameters that are undefined or empty", () => {
    expect(parse({ status: undefined, project: "", kind: " , " })).toEqual({});
  });
});

describe("parseRunFilter: scalars", () => {
  it("maps q to search, keeping commas and inner spaces", () => {
    expect(parse({ q: "  refund, please  " })).toEqual({ search: "refund, please" });
  });

  it("does not accept 'search' as a parameter name", () => {
    const error = catchKeystrokeError(() => parse({ search: "x" }));
    expect(problemPaths(error)).toEqual(["search"]);
  });

  it("reads sessionId and parentRunId", () => {
    expect(parse({ sessionId: "ses_1", parentRunId: "run_2" })).toEqual({ sessionId: "ses_1", parentRunId: "run_2" });
  });

  it("reads numbers", () => {
    expect(
      parse({
        costMin: "0.5",
        costMax: "2",
        messagesMin: "1",
        messagesMax: "10",
        stepsMin: "0",
        stepsMax: "30",
      }),
    ).toEqual({ costMin: 0.5, costMax: 2, messagesMin: 1, messagesMax: 10, stepsMin: 0, stepsMax: 30 });
  });

  it("rejects a value that is not a number, naming the parameter", () => {
    const error = catchKeystrokeError(() => parse({ costMin: "cheap" }));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain("costMin");
    expect(error.message).toContain("cheap");
    expect(problemPaths(error)).toEqual(["costMin"]);
  });

  it.each([
    ["costMin", "-1"],
    ["messagesMin", "1.5"],
    ["stepsMax", "-3"],
  ])("rejects %s=%s naming the parameter", (param, value) => {
    const error = catchKeystrokeError(() => parse({ [param]: value }));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain(param);
    expect(problemPaths(error)).toEqual([param]);
  });
});

describe("parseRunFilter: time range", () => {
  it("reads ISO times", () => {
    expect(parse({ from: "2026-11-28T10:00:00Z", to: "2026-11-28T11:30:00.000+01:00" })).toEqual({
      from: Date.parse("2026-11-28T10:00:00Z"),
      to: Date.parse("2026-11-28T10:30:00Z"),
    });
  });

  it("reads epoch milliseconds", () => {
    expect(parse({ from: "1795860000000", to: "1795863600000" })).toEqual({ from: 1795860000000, to: 1795863600000 });
  });

  it("reads period=24h as from = now - 24h", () => {
    expect(parse({ period: "24h" })).toEqual({ from: NOW - DAY });
  });

  it("reads periods given directly to from and to, relative to now", () => {
    expect(parse({ from: "30m", to: "1h" })).toEqual({ from: NOW - 30 * MINUTE, to: NOW - HOUR });
    expect(parse({ from: "7d" })).toEqual({ from: NOW - 7 * DAY });
    expect(parse({ from: "2w" })).toEqual({ from: NOW - 14 * DAY });
  });

  it("uses the now it is given", () => {
    expect(parseRunFilter({ period: "1h" }, [], 10 * HOUR)).toEqual({ from: 9 * HOUR });
  });

  it.each(["from", "to", "period"])("rejects a %s that is not a time, naming it", (param) => {
    const error = catchKeystrokeError(() => parse({ [param]: "soon" }));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain(param);
    expect(error.message).toContain("soon");
    expect(problemPaths(error)).toEqual([param]);
    expect(error.hint).toContain("24h");
  });
});

describe("parseRunFilter: unknown and invalid parameters", () => {
  it("rejects an unknown parameter, naming it and listing the known ones", () => {
    const error = catchKeystrokeError(() => parse({ status: "failed", colour: "red" }));
    expect(error.code).toBe("invalid_input");
    expect(error.httpStatus).toBe(400);
    expect(error.message).toContain("colour");
    expect(problemPaths(error)).toEqual(["colour"]);
    for (const known of [...Object.values(runFilterParams), "period"]) expect(error.hint).toContain(known);
  });

  it("rejects a bad status, naming status", () => {
    const error = catchKeystrokeError(() => parse({ status: "failed,exploded" }));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain("status");
    expect(problemPaths(error)).toEqual(["status"]);
  });

  it.each([
    ["kind", "robot"],
    ["source", "email"],
  ])("rejects a bad %s value, naming it", (param, value) => {
    const error = catchKeystrokeError(() => parse({ [param]: value }));
    expect(error.message).toContain(param);
    expect(problemPaths(error)).toEqual([param]);
  });

  it("skips the parameters listed in ignore", () => {
    expect(parse({ cursor: "abc", limit: "10", status: "failed" }, ["cursor", "limit"])).toEqual({
      status: ["failed"],
    });
  });

  it("does not skip a parameter that is not in ignore", () => {
    const error = catchKeystrokeError(() => parse({ cursor: "abc", limit: "10" }, ["limit"]));
    expect(problemPaths(error)).toEqual(["cursor"]);
  });
});

describe("validateRunFilter", () => {
  it("returns a valid filter unchanged", () => {
    const filter: RunFilter = { status: ["failed"], costMin: 0.1, search: "refund" };
    expect(validateRunFilter(filter)).toEqual(filter);
  });

  it("names the query parameter, not the field, in problems", () => {
    const error = catchKeystrokeError(() => validateRunFilter({ search: "" }));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain("q");
    expect(problemPaths(error)).toEqual(["q"]);
  });

  it.each([
    [{ status: [] }, "status"],
    [{ status: ["done"] }, "status"],
    [{ from: 1.5 }, "from"],
    [{ messagesMax: -1 }, "messagesMax"],
  ])("rejects %j naming %s", (raw, path) => {
    const error = catchKeystrokeError(() => validateRunFilter(raw));
    expect(error.code).toBe("invalid_input");
    expect(problemPaths(error)).toEqual([path]);
  });

  it("rejects unknown fields", () => {
    const error = catchKeystrokeError(() => validateRunFilter({ colour: "red" }));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain("colour");
  });
});

describe("runFilterToParams", () => {
  it("writes lists comma-joined and search as q", () => {
    const params = runFilterToParams({ status: ["failed", "canceled"], search: "refund", costMin: 0.5, from: 1000 });
    expect(Object.fromEntries(params)).toEqual({
      status: "failed,canceled",
      q: "refund",
      costMin: "0.5",
      from: "1000",
    });
  });

  it("writes nothing for an empty filter", () => {
    expect(runFilterToParams({}).toString()).toBe("");
  });

  it("round-trips filter → params → filter for every field", () => {
    const filter: RunFilter = {
      kind: ["agent", "workflow"],
      status: ["queued", "waiting_on_hook", "failed"],
      project: ["demo", "billing"],
      source: ["api", "trigger"],
      trigger: ["CLI prompt", "Slack thread"],
      actor: ["usr_1", "key_2"],
      model: ["anthropic/claude-sonnet-4.6", "openai/gpt-5"],
      service: ["slack"],
      slug: ["support", "nightly-report"],
      sessionId: "ses_01HZZ",
      parentRunId: "run_01HZZ",
      costMin: 0.001,
      costMax: 12.5,
      messagesMin: 1,
      messagesMax: 100,
      stepsMin: 0,
      stepsMax: 40,
      from: Date.parse("2026-11-01T00:00:00Z"),
      to: Date.parse("2026-11-28T00:00:00Z"),
      search: "refund & ünïcode = ok?",
    };
    expect(parse(overTheWire(runFilterToParams(filter)))).toEqual(filter);
  });

  it("round-trips a search containing commas", () => {
    const filter: RunFilter = { search: "one, two,three" };
    expect(parse(overTheWire(runFilterToParams(filter)))).toEqual(filter);
  });

  // BUG (core): parseRunFilter splits every parameter on commas, including the scalar sessionId
  // (a caller-chosen string), and keeps only the first piece: `sessionId=a,b` silently becomes
  // sessionId "a", so a filter for such a session matches the wrong session. Flip to `it` once fixed.
  it("round-trips a sessionId containing a comma", () => {
    const filter: RunFilter = { sessionId: "slack:C123,1700000000.000100" };
    expect(parse(overTheWire(runFilterToParams(filter)))).toEqual(filter);
  });
});

describe("parseTime", () => {
  it("returns undefined for text that is not a time", () => {
    expect(parseTime("soon", NOW)).toBeUndefined();
    expect(parseTime("24x", NOW)).toBeUndefined();
  });

  it("refuses times it would have to guess: no zone, a bare year, prose", () => {
    expect(parseTime("2026-11-28T10:00:00", NOW)).toBeUndefined();
    expect(parseTime("2026", NOW)).toBeUndefined();
    expect(parseTime("March 3", NOW)).toBeUndefined();
    expect(parseTime("-1000", NOW)).toBeUndefined();
    expect(parseTime("2026-11-28", NOW)).toBe(Date.parse("2026-11-28T00:00:00Z"));
  });

  it("reads each period unit", () => {
    expect(parseTime("5m", NOW)).toBe(NOW - 5 * MINUTE);
    expect(parseTime("5h", NOW)).toBe(NOW - 5 * HOUR);
    expect(parseTime("5d", NOW)).toBe(NOW - 5 * DAY);
    expect(parseTime("5w", NOW)).toBe(NOW - 35 * DAY);
  });
});
