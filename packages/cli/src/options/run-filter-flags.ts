/**
 * The History filter as CLI flags, one per field of core's RunFilter catalog. The flags only
 * gather values (lists split on commas, times and numbers read); the RunFilter itself is checked
 * by core's validateRunFilter, the same check the API applies to query parameters.
 */
import {
  KeystrokeError,
  parseTime,
  type RunFilter,
  type RunFilterFieldType,
  runFilterFieldList,
  type runFilterFields,
  validateRunFilter,
} from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import { collect, listFlag } from "./flag-schemas.js";
import { invalidFlag } from "./parse-options.js";

type Fields = typeof runFilterFields;
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** The name commander gives a field's flag among a command's options (`--cost-min` → `costMin`). */
const optionName = (flag: string) => flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

const timeFlag = z.string().transform((value, ctx) => {
  const time = parseTime(value);
  if (time === undefined) {
    ctx.addIssue({ code: "custom", message: "expected a period such as 30m, 24h or 7d, or an ISO 8601 time" });
    return z.NEVER;
  }
  return time;
});

const numberFlag = z.string().transform((value, ctx) => {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) {
    ctx.addIssue({ code: "custom", message: "expected a number" });
    return z.NEVER;
  }
  return n;
});

const flagSchemas = {
  list: listFlag,
  number: numberFlag.optional(),
  time: timeFlag.optional(),
  text: z.string().optional(),
} as const satisfies Record<RunFilterFieldType, z.ZodType>;

const placeholders: Record<RunFilterFieldType, string> = { list: "", number: "<n>", time: "<time>", text: "<text>" };

type FlagShape = { [K in keyof Fields as CamelCase<Fields[K]["flag"]>]: (typeof flagSchemas)[Fields[K]["type"]] };

/** The raw flags of a History filter, as commander collects them. */
export const runFilterFlags = z.object(
  Object.fromEntries(runFilterFieldList.map((f) => [optionName(f.flag), flagSchemas[f.type]])) as FlagShape,
);

/** The filter flags after parsing: lists split, times as epoch milliseconds, numbers as numbers. */
export type RunFilterFlags = z.output<typeof runFilterFlags>;

type FilterFlag = keyof FlagShape;

/** Adds the filter flags (all, or `only` these) to a command. */
export function addRunFilterFlags(command: Command, only?: readonly FilterFlag[]): Command {
  for (const field of runFilterFieldList) {
    if (only !== undefined && !only.includes(optionName(field.flag) as FilterFlag)) continue;
    if (field.type === "list") {
      command.option(`--${field.flag} <${field.flag}>`, `filter by ${field.help}; repeat or comma-separate`, collect);
    } else {
      command.option(`--${field.flag} ${placeholders[field.type]}`, field.help);
    }
  }
  return command;
}

const fieldOfParam = new Map(runFilterFieldList.map((f) => [f.param as string, f]));

/**
 * Builds the RunFilter of parsed flags, validated by core.
 *
 * @example
 * toRunFilter({ status: ["failed"], since: Date.now() - 86_400_000 }); // → { status: ["failed"], from: … }
 */
export function toRunFilter(flags: RunFilterFlags): RunFilter {
  const given = flags as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  for (const field of runFilterFieldList) {
    const value = given[optionName(field.flag)];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) raw[field.name] = value;
  }
  try {
    return validateRunFilter(raw);
  } catch (thrown) {
    if (!(thrown instanceof KeystrokeError)) throw thrown;
    const found = (thrown.details as { problems?: { path: string; message: string }[] })?.problems ?? [];
    const fields = found.map((p) => fieldOfParam.get(p.path));
    const problems = found.map((p, i) => ({ ...p, path: fields[i] ? `--${fields[i].flag}` : p.path }));
    const first = fields[0];
    throw invalidFlag(
      problems,
      first === undefined || first.type === "time" ? undefined : given[optionName(first.flag)],
    );
  }
}
