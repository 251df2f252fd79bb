/** `keystroke db`: the run store itself, as opposed to the server in front of it. */
import type { Command } from "commander";
import * as copy from "./copy.js";

/** Adds `keystroke db` and its subcommands. */
export function configure(program: Command): void {
  const db = program.command("db").description("The run store: copy it to another database");
  copy.configure(db);
}
