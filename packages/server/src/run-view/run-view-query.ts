/**
 * The query of a run's detail (`GET /api/history/:runId` and the session route): which parts to
 * page in beside the run (`include=messages,trace,steps`) and where each page starts.
 */
import { decodePosition, KeystrokeError, type QueryParams } from "@keystroke/core";
import { MAX_PAGE, type PageRequest, type RunInclude } from "@keystroke/store";
import { integerParam, singleParam } from "../paging/query-params.js";

export const runViewParts = ["messages", "trace", "steps"] as const;
export type RunViewPart = (typeof runViewParts)[number];

/** The paged lists behind each part, named as their query parameters are prefixed. */
const listsByPart: Record<RunViewPart, readonly ("messages" | "spans" | "logs" | "steps")[]> = {
  messages: ["messages"],
  trace: ["spans", "logs"],
  steps: ["steps"],
};

export interface RunViewQuery {
  parts: ReadonlySet<RunViewPart>;
  include: RunInclude;
}

const pageParams = Object.values(listsByPart).flatMap((lists) =>
  lists.flatMap((list) => [`${list}Cursor`, `${list}Limit`]),
);

function invalid(path: string, message: string, hint?: string): KeystrokeError {
  return new KeystrokeError("invalid_input", `Invalid ${path}: ${message}`, {
    hint,
    details: { problems: [{ path, message }] },
  });
}

function parseParts(query: QueryParams): Set<RunViewPart> {
  const raw = query.include;
  const values = (raw === undefined ? [] : typeof raw === "string" ? [raw] : raw).flatMap((v) => v.split(","));
  const parts = new Set<RunViewPart>();
  for (const value of values.map((v) => v.trim()).filter((v) => v !== "")) {
    if (!(runViewParts as readonly string[]).includes(value)) {
      throw invalid(
        "include",
        `"${value}" is not one of ${runViewParts.join(", ")}`,
        "Example: include=messages,trace",
      );
    }
    parts.add(value as RunViewPart);
  }
  return parts;
}

function pageOf(query: QueryParams, list: string): PageRequest {
  const cursorName = `${list}Cursor`;
  const cursor = singleParam(query, cursorName);
  if (cursor !== undefined) decodePosition(cursor, cursorName);
  return { cursor, limit: integerParam(query, `${list}Limit`, 1, MAX_PAGE) };
}

/**
 * Parses `include` and the page parameters of each included part. Parameters other than these
 * and `extraParams` are refused, as are page parameters of a part that is not included.
 *
 * @example
 * parseRunViewQuery({ include: "messages", messagesLimit: "100" });
 * // { parts: Set { "messages" }, include: { messages: { cursor: undefined, limit: 100 } } }
 */
export function parseRunViewQuery(query: QueryParams, extraParams: readonly string[] = []): RunViewQuery {
  const known = ["include", ...pageParams, ...extraParams];
  for (const name of Object.keys(query)) {
    if (!known.includes(name)) {
      throw invalid(name, "unknown parameter", `Known parameters: ${known.join(", ")}`);
    }
  }
  const parts = parseParts(query);
  const include: RunInclude = {};
  for (const part of runViewParts) {
    for (const list of listsByPart[part]) {
      if (parts.has(part)) {
        include[list] = pageOf(query, list);
        continue;
      }
      const stray = [`${list}Cursor`, `${list}Limit`].find((name) => query[name] !== undefined);
      if (stray !== undefined) throw invalid(stray, `needs include=${part}`, `Add ${part} to include`);
    }
  }
  return { parts, include };
}
