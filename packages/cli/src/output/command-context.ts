/**
 * What every command receives besides its own arguments: the global flags, where output goes,
 * and the client of the resolved target (resolved on first use, so `serve` never resolves one),
 * carrying the stored token and the organization when the target is a server signed in to.
 */
import type { Command } from "commander";
import { KeystrokeClient } from "keystroke/client";
import { z } from "zod";
import { parseOptions } from "../options/parse-options.js";
import { readScope } from "../options/scope-flags.js";
import type { ProjectLink } from "../project-config/project-link.js";
import { nodeHttpFetch } from "../target/node-http-fetch.js";
import { describeTarget, resolveAccountTarget, resolveTarget, type Target } from "../target/resolve-target.js";
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
  /** The global --organization and --project. */
  readonly scope: ProjectLink;
  /** Print JSON: --json was given or stdout is not a terminal. */
  readonly json: boolean;
  readonly progress: Progress = createProgress();
  /** The server this command talks to, once resolved. */
  target: Target | undefined;
  #client: KeystrokeClient | undefined;

  constructor(command: Command) {
    this.flags = parseOptions(globalFlags, command.optsWithGlobals());
    this.scope = readScope(command);
    this.json = this.flags.json || !process.stdout.isTTY;
  }

  /** The client of the resolved target. */
  client(): KeystrokeClient {
    return this.#client ?? this.use(resolveTarget({ flag: this.flags.url, scope: this.scope }));
  }

  /** The client of account commands (auth, projects, api-key, config): --url › KEYSTROKE_URL › the last `auth login`. */
  accountClient(): KeystrokeClient {
    return this.#client ?? this.use(resolveAccountTarget({ flag: this.flags.url, scope: this.scope }));
  }

  /** Talks to `target` from now on; --verbose says which target the command uses first, and why. */
  use(target: Target): KeystrokeClient {
    if (this.flags.verbose && !this.target) process.stderr.write(`Target: ${describeTarget(target)}\n`);
    this.target = target;
    const { url, token, organization, project } = target;
    this.#client = new KeystrokeClient({ baseUrl: url, fetch: nodeHttpFetch, token, organization, project });
    return this.#client;
  }

  /** A human status line on stdout, for lifecycle commands such as `serve`. */
  say(line: string): void {
    process.stdout.write(`${line}\n`);
  }
}
