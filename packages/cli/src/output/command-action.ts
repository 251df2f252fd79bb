/**
 * The one wrapper every command runs in: it builds the CommandContext, prints what the command
 * returns (JSON for scripts and pipes, a readable rendering on a terminal) and turns anything
 * thrown into `Error:` / `Hint:` on stderr with exit code 1.
 */
import type { Command } from "commander";
import { CommandContext, readGlobalFlags } from "./command-context.js";
import { reportError } from "./report-error.js";

/** What a command hands the wrapper to print. */
export interface CommandOutput {
  /** Printed as JSON with --json or when stdout is not a terminal. */
  data: unknown;
  /** What a terminal shows instead of the JSON. */
  human?: () => string;
  /** Printed as is whatever the terminal, unless --json asks for JSON (`--field` of a string). */
  plain?: string;
}

/** A command's work: its arguments and options are on `command`. */
export type CommandHandler = (command: Command, context: CommandContext) => Promise<CommandOutput | undefined>;

/**
 * Wraps a handler as a commander action.
 *
 * @example
 * program.command("health").action(commandAction(async (_command, context) => ({ data: await context.client().health() })));
 */
export function commandAction(handler: CommandHandler): (...received: unknown[]) => Promise<void> {
  return async (...received) => {
    const command = received.at(-1) as Command;
    let context: CommandContext | undefined;
    try {
      context = new CommandContext(command);
      const output = await handler(command, context);
      context.progress.done();
      if (output) writeOutput(output, context);
    } catch (thrown) {
      context?.progress.done();
      reportError(thrown, { ...readGlobalFlags(command), target: context?.target });
      process.exitCode = 1;
    }
  };
}

function writeOutput(output: CommandOutput, context: CommandContext): void {
  if (output.plain !== undefined && !context.flags.json) {
    process.stdout.write(`${output.plain}\n`);
  } else if (context.json || output.human === undefined) {
    process.stdout.write(`${JSON.stringify(output.data, null, 2)}\n`);
  } else {
    process.stdout.write(`${output.human()}\n`);
  }
}
