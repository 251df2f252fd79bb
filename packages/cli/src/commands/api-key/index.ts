/** `keystroke api-key`: keys for programs (CI, the OTLP receiver); the CLI itself signs in with `auth login`. */
import type { Command } from "commander";
import * as create from "./create.js";

/** Adds `keystroke api-key create`. */
export function configure(program: Command): void {
  const apiKey = program.command("api-key").description("API keys of the active organization, for programs");
  create.configure(apiKey);
}
