/** `keystroke workflows runs list <slug> [--status …] [--limit N] [--cursor C]` → `{ "runs": [...], "nextCursor" }`. */
import type { Command } from "commander";
import { cursorFlag, limitFlag } from "../../options/flag-schemas.js";
import { parseOptions } from "../../options/parse-options.js";
import { addRunFilterFlags, runFilterFlags, toRunFilter } from "../../options/run-filter-flags.js";
import { commandAction } from "../../output/command-action.js";
import { renderWorkflowRunTable } from "../../output/run-table.js";

const listFlags = runFilterFlags.pick({ status: true }).extend({ limit: limitFlag, cursor: cursorFlag });

/** Adds `list` to `keystroke workflows runs`. */
export function configure(runs: Command): void {
  addRunFilterFlags(runs.command("list").description("List a workflow's runs, newest first"), ["status"])
    .argument("<workflow-slug>", "the workflow's slug")
    .option("--limit <n>", "runs per page, 1–1000 (default 50)")
    .option("--cursor <cursor>", "the nextCursor of the previous page")
    .action(
      commandAction(async (command, context) => {
        const [slug = ""] = command.args;
        const { limit, cursor, ...filterFlags } = parseOptions(listFlags, command.opts());
        const { status } = toRunFilter(filterFlags);
        const page = await context.client().listWorkflowRuns(slug, { status, limit, cursor });
        return { data: page, human: () => renderWorkflowRunTable(page.runs, page.nextCursor) };
      }),
    );
}
