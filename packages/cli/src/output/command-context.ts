/**
 * What every command receives besides its own arguments: the global flags, where output goes,
 * and the client of the resolved target (resolved on first use, so `serve` never resolves one).
 */
import type { Command } from "commander";
import { KeystrokeClient } from "keystroke/client";
import { z } from "zod";
import { parseOptions } from "../options/parse-options.js";
import { nodeHttpFetch } from "../target/node-http-fetch.js";
import { describeTarget, resolveTarget, type Target } from "../target/resolve-target.js";
import { createProgress, type Progress } from "./progress.js";

const globalFlags = z.object({
  url: z.string().optional(),
  json: z.boolean().default(false),
  verbose: z.boolean().default(false),
});

/** `--url`, `--json` and `--verbose`, which every command accepts. */
export type GlobalFlags = z.output<typeof globalFlags>;

/** Reads the global flags from any command; tolerant, because it also runs after a parse error. */
export function readGlobalFlags(command: Command): GlobalFlags {
  const parsed = globalFlags.safeParse(command.optsWithGlobals());
  return parsed.success ? parsed.data : { json: false, verbose: false };
}

/** Built by commandAction for each run of a command. */
export class CommandContext {
  readonly flags: GlobalFlags;
  /** Print JSON: --json was given or stdout is not a terminal. */
  readonly json: boolean;
  readonly progress: Progress = createProgress();
  /** The server this command talks to, once resolved. */
  target: Target | undefined;
  #client: KeystrokeClient | undefined;

  constructor(command: Command) {
    this.flags = parseOptions(globalFlags, command.optsWithGlobals());
    this.json = this.flags.json || !process.stdout.isTTY;
  }

  /** The client of the resolved target. */
  client(): KeystrokeClient {
    if (this.#client) return this.#client;
    this.target = resolveTarget({ flag: this.flags.url });
    if (this.flags.verbose) process.stderr.write(`Target: ${describeTarget(this.target)}\n`);
    this.#client = new KeystrokeClient({ baseUrl: this.target.url, fetch: nodeHttpFetch });
    return this.#client;
  }

  /** A human status line on stdout, for lifecycle commands such as `serve`. */
  say(line: string): void {
    process.stdout.write(`${line}\n`);
  }
}
