/** `keystroke history list [filters] [--limit N] [--cursor C]` → `{ "runs": [...], "nextCursor" }`. */
import type { Command } from "commander";
import { cursorFlag, limitFlag } from "../../options/flag-schemas.js";
import { parseOptions } from "../../options/parse-options.js";
import { addRunFilterFlags, runFilterFlags, toRunFilter } from "../../options/run-filter-flags.js";
import { commandAction } from "../../output/command-action.js";
import { renderRunTable } from "../../output/run-table.js";

const listFlags = runFilterFlags.extend({ limit: limitFlag, cursor: cursorFlag });

/** Adds `list` to `keystroke history`. */
export function configure(history: Command): void {
  addRunFilterFlags(history.command("list").description("List runs, newest first"))
    .option("--limit <n>", "runs per page, 1–1000 (default 50)")
    .option("--cursor <cursor>", "the nextCursor of the previous page")
    .action(
      commandAction(async (command, context) => {
        const { limit, cursor, ...filterFlags } = parseOptions(listFlags, command.opts());
        const page = await context.client().listRuns(toRunFilter(filterFlags), { limit, cursor });
        return { data: page, human: () => renderRunTable(page.runs, page.nextCursor) };
      }),
    );
}
