/** `keystroke triggers list`: every attachment of every trigger source, with when it fired and fires next. */
import type { Command } from "commander";
import { commandAction } from "../../output/command-action.js";
import { renderTriggerTable } from "../../output/render-trigger.js";

/** Adds `list` to `keystroke triggers`. */
export function configure(triggers: Command): void {
  triggers
    .command("list")
    .description("List the trigger sources of the project the server hosts, one row per attachment")
    .action(
      commandAction(async (_command, context) => {
        const list = await context.client().listTriggers();
        return { data: list, human: () => renderTriggerTable(list.triggers) };
      }),
    );
}
