/** `keystroke agents sessions list <agent-slug> [--status …] [--project …]` → `{ "sessions": [...], "nextCursor" }`. */
import type { Command } from "commander";
import { cursorFlag, limitFlag } from "../../options/flag-schemas.js";
import { parseOptions } from "../../options/parse-options.js";
import { addRunFilterFlags, runFilterFlags, toRunFilter } from "../../options/run-filter-flags.js";
import { commandAction } from "../../output/command-action.js";
import { renderSessionTable } from "../../output/run-table.js";

const listFlags = runFilterFlags.pick({ status: true, project: true }).extend({ limit: limitFlag, cursor: cursorFlag });

/** Adds `list` to `keystroke agents sessions`. */
export function configure(sessions: Command): void {
  addRunFilterFlags(sessions.command("list").description("List an agent's sessions, newest first"), [
    "status",
    "project",
  ])
    .argument("<agent-slug>", "the agent's slug")
    .option("--limit <n>", "sessions per page, 1–1000 (default 50)")
    .option("--cursor <cursor>", "the nextCursor of the previous page")
    .action(
      commandAction(async (command, context) => {
        const [slug = ""] = command.args;
        const { limit, cursor, ...filterFlags } = parseOptions(listFlags, command.opts());
        const { status, project } = toRunFilter(filterFlags);
        const page = await context.client().listSessions(slug, { status, project, limit, cursor });
        return { data: page, human: () => renderSessionTable(page.sessions, page.nextCursor) };
      }),
    );
}
