/** `keystroke workflows list`: the workflows of the project the target server hosts, with their input schemas. */
import type { Command } from "commander";
import { commandAction } from "../../output/command-action.js";
import { renderWorkflowTable } from "../../output/render-workflow.js";

/** Adds `list` to `keystroke workflows`. */
export function configure(workflows: Command): void {
  workflows
    .command("list")
    .description("List the workflows of the project the server hosts")
    .action(
      commandAction(async (_command, context) => {
        const list = await context.client().listWorkflows();
        return { data: list, human: () => renderWorkflowTable(list.workflows) };
      }),
    );
}
