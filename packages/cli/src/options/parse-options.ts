/**
 * Commander hands every command its flags as raw strings; each command describes what it accepts
 * as a zod schema and parses them here, so a bad flag always fails the same way: exit 1 and a
 * message that names the flag, the value given and what was expected.
 */
import { type FieldProblem, KeystrokeError, zodProblems } from "@keystroke/core";
import type { z } from "zod";

/** `dbPath` → `--db-path`. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The error of a flag that failed validation; `problems` lists every bad flag. */
export function invalidFlag(problems: FieldProblem[], value: unknown): KeystrokeError {
  const first = problems[0] ?? { path: "(options)", message: "invalid" };
  const shown = value === undefined || typeof value === "boolean" ? "" : ` "${[value].flat().join(",")}"`;
  const message = first.message.replace(/^Invalid (option|input): /, "");
  return new KeystrokeError("invalid_input", `Invalid ${first.path}${shown}: ${message}`, {
    hint: "Run the command with --help to see its options",
    details: { problems },
  });
}

/**
 * Parses a command's raw options with its schema.
 *
 * @example
 * const { limit } = parseOptions(z.object({ limit: limitFlag }), command.opts());
 */
export function parseOptions<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const keys = parsed.error.issues.map((issue) => String(issue.path[0] ?? ""));
  const problems = zodProblems(parsed.error).map((p, i) => ({ path: flagName(keys[i] ?? p.path), message: p.message }));
  throw invalidFlag(problems, raw[keys[0] ?? ""]);
}
