/** `keystroke workflows`: workflows and their durable runs. */
import type { Command } from "commander";
import * as list from "./list.js";
import * as run from "./run.js";
import * as runsCancel from "./runs-cancel.js";
import * as runsGet from "./runs-get.js";
import * as runsList from "./runs-list.js";

/** Adds `keystroke workflows` (list, run) and `keystroke workflows runs` (list, get, cancel). */
export function configure(program: Command): void {
  const workflows = program.command("workflows").description("Workflows and their runs");
  list.configure(workflows);
  run.configure(workflows);
  const runs = workflows.command("runs").description("A workflow's durable runs");
  runsList.configure(runs);
  runsGet.configure(runs);
  runsCancel.configure(runs);
}
