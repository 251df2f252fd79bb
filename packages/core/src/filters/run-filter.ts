/**
 * RunFilter: the one description of "which runs". Its fields are listed once, in
 * run-filter-fields.ts; the REST API parses it from query parameters, the CLI from flags, the web
 * page from its URL — all through `parseRunFilter` — and the store turns it into an indexed query.
 */
import { z } from "zod";
import { KeystrokeError } from "../errors/keystroke-error.js";
import { runFilterFieldList, runFilterFields } from "./run-filter-fields.js";

type Fields = typeof runFilterFields;

const shape = Object.fromEntries(runFilterFieldList.map((f) => [f.name, f.schema])) as {
  [K in keyof Fields]: Fields[K]["schema"];
};

/** The RunFilter schema, built from the field catalog. */
export const runFilterSchema = z.object(shape).strict();

export type RunFilter = z.infer<typeof runFilterSchema>;

/** The names each RunFilter field takes as a URL query parameter. */
export const runFilterParams = Object.fromEntries(runFilterFieldList.map((f) => [f.name, f.param])) as {
  [K in keyof Fields]: Fields[K]["param"];
};

const typeOf = (field: keyof RunFilter) => runFilterFields[field].type;

const periodUnits: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const isoWithZone = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * `2026-11-28T10:00:00Z` (a zone is required, or a bare date taken as UTC midnight), epoch
 * milliseconds of at least ten digits, or a period back from now such as `24h` or `7d`.
 */
export function parseTime(value: string, now = Date.now()): number | undefined {
  const period = /^(\d+)([mhdw])$/.exec(value);
  if (period) return now - Number(period[1]) * (periodUnits[period[2] as string] ?? 0);
  if (/^\d{10,}$/.test(value)) return Number(value);
  if (!isoWithZone.test(value)) return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

export type QueryParams = Record<string, string | readonly string[] | undefined>;

/**
 * Parses a RunFilter from query parameters. Lists may repeat (`status=a&status=b`) or be
 * comma-separated (`status=a,b`); `period=24h` is shorthand for `from=<now - 24h>`.
 * Unknown parameters in `ignore` (cursor, limit…) are skipped; any other unknown name is an error.
 */
export function parseRunFilter(params: QueryParams, ignore: readonly string[] = [], now = Date.now()): RunFilter {
  const raw: Record<string, unknown> = {};
  const byParam = new Map<string, keyof RunFilter>(
    Object.entries(runFilterParams).map(([field, param]) => [param, field as keyof RunFilter]),
  );
  for (const [param, value] of Object.entries(params)) {
    if (value === undefined || ignore.includes(param)) continue;
    const field = byParam.get(param);
    const given = typeof value === "string" ? [value] : [...value];
    const values = field !== undefined && typeOf(field) === "list" ? given.flatMap((v) => v.split(",")) : given;
    const trimmed = values.map((v) => v.trim()).filter((v) => v !== "");
    if (trimmed.length === 0) continue;
    if (param === "period") {
      raw.from = parseTimeOrThrow("period", trimmed[0] as string, now);
      continue;
    }
    if (field === undefined) {
      throw new KeystrokeError("invalid_input", `Unknown filter "${param}"`, {
        hint: `Known filters: ${[...byParam.keys(), "period"].join(", ")}`,
        details: { problems: [{ path: param, message: "unknown filter" }] },
      });
    }
    const type = typeOf(field);
    if (type === "list") raw[field] = trimmed;
    else if (type === "number") raw[field] = numberOrThrow(param, trimmed[0] as string);
    else if (type === "time") raw[field] = parseTimeOrThrow(param, trimmed[0] as string, now);
    else raw[field] = trimmed[0];
  }
  return validateRunFilter(raw);
}

/** Validates a RunFilter built in code (the CLI builds one from flags). */
export function validateRunFilter(raw: unknown): RunFilter {
  const parsed = runFilterSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.code === "unrecognized_keys" ? issue.keys[0] : issue.path[0];
      const param = runFilterParams[String(key) as keyof RunFilter] ?? String(key ?? "(filter)");
      return { path: param, message: issue.message };
    });
    const first = problems[0];
    throw new KeystrokeError("invalid_input", `Invalid filter ${first?.path}: ${first?.message}`, {
      hint: "See GET /api/openapi.json for the filters of GET /api/history",
      details: { problems },
    });
  }
  return parsed.data;
}

function numberOrThrow(param: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) {
    throw new KeystrokeError("invalid_input", `Invalid filter ${param}: "${value}" is not a number`, {
      details: { problems: [{ path: param, message: "expected a number" }] },
    });
  }
  return n;
}

function parseTimeOrThrow(param: string, value: string, now: number): number {
  const t = parseTime(value, now);
  if (t === undefined) {
    throw new KeystrokeError("invalid_input", `Invalid filter ${param}: "${value}" is not a time`, {
      hint: "Use an ISO 8601 time with a zone (2026-11-28T10:00:00Z), a date (2026-11-28), epoch milliseconds, or a period such as 30m, 24h, 7d",
      details: { problems: [{ path: param, message: "expected a time" }] },
    });
  }
  return t;
}

/** The inverse of parseRunFilter: query parameters for a filter (used by clients). */
export function runFilterToParams(filter: RunFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    const param = runFilterParams[field as keyof RunFilter];
    params.set(param, Array.isArray(value) ? value.join(",") : String(value));
  }
  return params;
}
