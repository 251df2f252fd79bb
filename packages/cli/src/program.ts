/**
 * The `keystroke` program: global flags, the commands (one file each under ./commands) and the
 * handling of commander's own parse errors, which read like every other error.
 */
import { readFileSync } from "node:fs";
import { KeystrokeError } from "@keystroke/core";
import { Command, CommanderError } from "commander";
import * as agents from "./commands/agents/index.js";
import * as apiKey from "./commands/api-key/index.js";
import * as auth from "./commands/auth/index.js";
import * as config from "./commands/config/index.js";
import * as db from "./commands/db/index.js";
import * as deploy from "./commands/deploy/index.js";
import * as dev from "./commands/dev.js";
import * as history from "./commands/history/index.js";
import * as init from "./commands/init/index.js";
import * as projects from "./commands/projects/index.js";
import * as serve from "./commands/serve.js";
import * as triggers from "./commands/triggers/index.js";
import * as worker from "./commands/worker.js";
import * as workflows from "./commands/workflows/index.js";
import { addScopeFlags } from "./options/scope-flags.js";
import { readGlobalFlags } from "./output/command-context.js";
import { reportError } from "./output/report-error.js";

const quietExits = new Set(["commander.helpDisplayed", "commander.help", "commander.version"]);

function packageVersion(): string {
  const raw = readFileSync(new URL("../package.json", import.meta.url), "utf8");
  return (JSON.parse(raw) as { version: string }).version;
}

/** Builds the program with every command configured. */
export function createProgram(): Command {
  const program = new Command("keystroke")
    .description("Keystroke: AI agents and workflows in TypeScript; every run is recorded and inspectable.")
    .version(packageVersion())
    .option(
      "--url <url>",
      "the server to use (default: KEYSTROKE_URL, .keystroke/dev.json, the linked project, http://127.0.0.1:3400)",
    )
    .option("--json", "print JSON even on a terminal")
    .option("--verbose", "say which server is used, and more about errors")
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .showSuggestionAfterError();
  init.configure(program);
  dev.configure(program);
  serve.configure(program);
  worker.configure(program);
  history.configure(program);
  agents.configure(program);
  workflows.configure(program);
  triggers.configure(program);
  db.configure(program);
  auth.configure(program);
  config.configure(program);
  projects.configure(program);
  apiKey.configure(program);
  deploy.configure(program);
  addScopeFlags(program, ["init", "dev", "serve", "worker", "db"]);
  return program;
}

/**
 * Runs the program on `argv` (as in process.argv) and sets process.exitCode: 0 on success,
 * 1 on any failure.
 *
 * @example
 * await runProgram(["node", "keystroke", "history", "list", "--status", "failed"]);
 */
export async function runProgram(argv: readonly string[]): Promise<void> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
  } catch (thrown) {
    if (!(thrown instanceof CommanderError)) throw thrown;
    process.exitCode = thrown.exitCode === 0 ? 0 : 1;
    if (quietExits.has(thrown.code)) return;
    const error = new KeystrokeError("invalid_input", thrown.message.replace(/^error: /, ""), {
      hint: "Run the command with --help to see its arguments and options",
      details: { code: thrown.code },
    });
    reportError(error, readGlobalFlags(program));
  }
}
