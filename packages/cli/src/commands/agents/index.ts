/** `keystroke agents`: agents and their durable sessions. */
import type { Command } from "commander";
import * as list from "./list.js";
import * as prompt from "./prompt.js";
import * as sessionsCancel from "./sessions-cancel.js";
import * as sessionsGet from "./sessions-get.js";
import * as sessionsList from "./sessions-list.js";

/** Adds `keystroke agents` (list, prompt) and `keystroke agents sessions` (list, get, cancel). */
export function configure(program: Command): void {
  const agents = program.command("agents").description("Agents and their sessions");
  list.configure(agents);
  prompt.configure(agents);
  const sessions = agents.command("sessions").description("An agent's sessions (one run each)");
  sessionsList.configure(sessions);
  sessionsGet.configure(sessions);
  sessionsCancel.configure(sessions);
}
