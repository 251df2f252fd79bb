/**
 * `keystroke workflows runs cancel <slug> <run-id>`: cancels a queued, running, sleeping or
 * waiting run of the workflow; it is recorded canceled. A finished run fails with its status.
 */
import type { Command } from "commander";
import { commandAction } from "../../output/command-action.js";
import { statusLabel } from "../../output/format-values.js";

/** Adds `cancel` to `keystroke workflows runs`. */
export function configure(runs: Command): void {
  runs
    .command("cancel")
    .description("Cancel a run that has not finished")
    .argument("<workflow-slug>", "the workflow's slug")
    .argument("<run-id>", "the run's ID")
    .action(
      commandAction(async (command, context) => {
        const [slug = "", runId = ""] = command.args;
        const client = context.client();
        await client.getWorkflowRun(slug, runId);
        const result = await client.cancelRun(runId);
        return { data: result, human: () => `Run ${result.runId} of ${slug}: ${statusLabel(result.status)}` };
      }),
    );
}
