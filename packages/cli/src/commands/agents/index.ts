/** `keystroke agents`: agents and their durable sessions. */
import type { Command } from "commander";
import * as sessionsGet from "./sessions-get.js";
import * as sessionsList from "./sessions-list.js";

/** Adds `keystroke agents sessions` and its subcommands. */
export function configure(program: Command): void {
  const agents = program.command("agents").description("Agents and their sessions");
  const sessions = agents.command("sessions").description("An agent's sessions (one run each)");
  sessionsList.configure(sessions);
  sessionsGet.configure(sessions);
}
