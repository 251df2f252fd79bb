/** `keystroke config`: settings of the CLI kept with its sign-ins (`config use org`). */
import type { Command } from "commander";
import * as useOrg from "./use-org.js";

/** Adds `keystroke config use org`. */
export function configure(program: Command): void {
  const config = program.command("config").description("Settings kept with your sign-ins");
  const use = config.command("use").description("Choose what commands use from now on");
  useOrg.configure(use);
}
