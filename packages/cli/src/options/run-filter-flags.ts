/**
 * The History filter as CLI flags. The flags only gather values (lists split on commas, --since
 * read as a time); the RunFilter itself is checked by core's validateRunFilter, the same check
 * the API applies to query parameters.
 */
import {
  KeystrokeError,
  parseTime,
  type RunFilter,
  runFilterParams,
  runKinds,
  runSources,
  runStatuses,
  validateRunFilter,
} from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import { collect, listFlag } from "./flag-schemas.js";
import { invalidFlag } from "./parse-options.js";

const listDescriptions = {
  kind: `run type: ${runKinds.join(", ")}`,
  status: `status: ${runStatuses.join(", ")}`,
  project: "project slug",
  source: `source: ${runSources.join(", ")}`,
  trigger: 'readable trigger label, e.g. "CLI prompt"',
  actor: "actor id",
  model: "model, e.g. anthropic/claude-sonnet-4.6",
  service: "other service used",
  slug: "agent or workflow slug",
} as const;

const timeFlag = z.string().transform((value, ctx) => {
  const time = parseTime(value);
  if (time === undefined) {
    ctx.addIssue({ code: "custom", message: "expected a period such as 30m, 24h or 7d, or an ISO 8601 time" });
    return z.NEVER;
  }
  return time;
});

/** The raw flags of a History filter, as commander collects them. */
export const runFilterFlags = z.object({
  kind: listFlag,
  status: listFlag,
  project: listFlag,
  source: listFlag,
  trigger: listFlag,
  actor: listFlag,
  model: listFlag,
  service: listFlag,
  slug: listFlag,
  search: z.string().optional(),
  since: timeFlag.optional(),
});

/** The filter flags after parsing: lists split, --since as epoch milliseconds. */
export type RunFilterFlags = z.output<typeof runFilterFlags>;

type FilterFlag = keyof typeof listDescriptions | "search" | "since";

/** Adds the filter flags (all, or `only` these) to a command. */
export function addRunFilterFlags(command: Command, only?: readonly FilterFlag[]): Command {
  const wanted = (name: FilterFlag) => only === undefined || only.includes(name);
  for (const [name, description] of Object.entries(listDescriptions)) {
    if (!wanted(name as FilterFlag)) continue;
    command.option(`--${name} <${name}>`, `filter by ${description}; repeat or comma-separate`, collect);
  }
  if (wanted("search")) command.option("--search <text>", "full-text search over message text");
  if (wanted("since")) {
    command.option("--since <period>", "runs triggered since a period back (30m, 24h, 7d) or an ISO 8601 time");
  }
  return command;
}

const flagOfParam = new Map<string, string>(
  Object.entries(runFilterParams).map(([field, param]) => [param, field === "from" ? "--since" : `--${field}`]),
);

/**
 * Builds the RunFilter of parsed flags, validated by core.
 *
 * @example
 * toRunFilter({ status: ["failed"], since: Date.now() - 86_400_000 }); // → { status: ["failed"], from: … }
 */
export function toRunFilter(flags: RunFilterFlags): RunFilter {
  const { since, ...rest } = flags;
  const raw: Record<string, unknown> = { from: since };
  for (const [name, value] of Object.entries(rest)) {
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) raw[name] = value;
  }
  try {
    return validateRunFilter(raw);
  } catch (thrown) {
    if (!(thrown instanceof KeystrokeError)) throw thrown;
    const problems = ((thrown.details as { problems?: { path: string; message: string }[] })?.problems ?? []).map(
      (p) => ({ ...p, path: flagOfParam.get(p.path) ?? p.path }),
    );
    const first = problems[0]?.path.replace(/^--/, "");
    throw invalidFlag(problems, first === "since" ? undefined : flags[first as keyof RunFilterFlags]);
  }
}
