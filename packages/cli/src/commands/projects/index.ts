/** `keystroke projects`: the projects of the active organization on the team server signed in to. */
import type { Command } from "commander";
import * as create from "./create.js";
import * as link from "./link.js";
import * as list from "./list.js";

/** Adds `keystroke projects` (list, create, link). */
export function configure(program: Command): void {
  const projects = program.command("projects").description("Projects of the active organization on a team server");
  list.configure(projects);
  create.configure(projects);
  link.configure(projects);
}
