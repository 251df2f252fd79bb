/** `keystroke history`: run history in the active organization, agent sessions and workflow runs alike. */
import type { Command } from "commander";
import * as get from "./get.js";
import * as list from "./list.js";

/** Adds `keystroke history` and its subcommands. */
export function configure(program: Command): void {
  const history = program.command("history").description("Run history: agent sessions and workflow runs");
  list.configure(history);
  get.configure(history);
}
