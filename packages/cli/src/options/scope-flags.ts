/**
 * The global `--organization <slug>` and `--project <slug>`: they override the active
 * organization (`config use org`) and the project linked in keystroke.config.ts for one command.
 * Commander lets a program option take its flag from any subcommand's arguments, which would steal
 * the `--project` that `history list`, `projects link` or `init` define for themselves; so instead
 * each command gets the two flags as its own, unless it already has a flag of that name, and only
 * the ones added here are read as the scope.
 */
import { slugSchema } from "@keystroke/core";
import { type Command, Option } from "commander";
import { z } from "zod";
import type { ProjectLink } from "../project-config/project-link.js";
import { parseOptions } from "./parse-options.js";

const scopeOptions = new WeakSet<Option>();

const scopeFlags = z.object({ organization: slugSchema.optional(), project: slugSchema.optional() });

function leaves(command: Command): Command[] {
  return command.commands.length === 0 ? [command] : command.commands.flatMap(leaves);
}

/**
 * Adds the scope flags to every command of `program` but those named in `except` (and theirs).
 *
 * @example
 * addScopeFlags(program, ["init", "dev", "serve"]);
 */
export function addScopeFlags(program: Command, except: readonly string[]): void {
  const skipped = new Set(except);
  for (const command of program.commands.filter((c) => !skipped.has(c.name())).flatMap(leaves)) {
    for (const option of [
      new Option("--organization <slug>", "act in this organization instead of the linked or active one"),
      new Option("--project <slug>", "use this project instead of the one linked in keystroke.config.ts"),
    ]) {
      if (command.options.some((o) => o.long === option.long)) continue;
      scopeOptions.add(option);
      command.addOption(option);
    }
  }
}

/** The scope flags given to `command`; a command's own `--project` is not one of them. */
export function readScope(command: Command): ProjectLink {
  const values = command.opts();
  const raw: Record<string, unknown> = {};
  for (const option of command.options) {
    if (scopeOptions.has(option)) raw[option.attributeName()] = values[option.attributeName()];
  }
  return parseOptions(scopeFlags, raw);
}
