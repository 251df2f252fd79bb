/** `keystroke triggers`: the cron, webhook and poll sources of the hosted project, and the runs they start. */
import type { Command } from "commander";
import * as disable from "./disable.js";
import * as enable from "./enable.js";
import * as invoke from "./invoke.js";
import * as list from "./list.js";
import * as runsGet from "./runs-get.js";
import * as url from "./url.js";

/** Adds `keystroke triggers` (list, url, invoke, disable, enable) and `keystroke triggers runs get`. */
export function configure(program: Command): void {
  const triggers = program.command("triggers").description("Cron, webhook and poll sources and the runs they start");
  list.configure(triggers);
  url.configure(triggers);
  invoke.configure(triggers);
  disable.configure(triggers);
  enable.configure(triggers);
  const runs = triggers.command("runs").description("The runs a trigger source started");
  runsGet.configure(runs);
}
