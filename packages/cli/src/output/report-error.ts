/**
 * How a failure reads: `Error: <message>` and `Hint: <hint>` on stderr, the target when the
 * server could not be reached, and with --json the API error body as the last stderr line.
 */
import { toKeystrokeError } from "@keystroke/core";
import { describeTarget, type Target } from "../target/resolve-target.js";

/** What the report adds to the message: JSON, the target, a stack. */
export interface ErrorReportOptions {
  json: boolean;
  verbose: boolean;
  target?: Target | undefined;
}

/**
 * Writes a failure to stderr.
 *
 * @example
 * reportError(new KeystrokeError("not_found", "No run run_01…"), { json: false, verbose: false });
 */
export function reportError(thrown: unknown, { json, verbose, target }: ErrorReportOptions): void {
  const error = toKeystrokeError(thrown);
  const lines = [`Error: ${error.message}`];
  if (error.hint) lines.push(`Hint: ${error.hint}`);
  if (target && (verbose || error.code === "unreachable")) lines.push(`Target: ${describeTarget(target)}`);
  if (verbose && error.code === "internal" && error.cause instanceof Error && error.cause.stack) {
    lines.push(error.cause.stack);
  }
  if (json) lines.push(JSON.stringify(error.toBody()));
  process.stderr.write(`${lines.join("\n")}\n`);
}
