/**
 * `keystroke history get <run-id> [--include messages,trace,steps]` → the run detail, plus every
 * message, span, log and step of the parts included (all pages followed).
 */
import type { Command } from "commander";
import { z } from "zod";
import { includeFlag } from "../../options/flag-schemas.js";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";
import { describeCounts } from "../../output/progress.js";
import { renderRun } from "../../output/render-run.js";
import { detailParts, readFullRun } from "../../runs/read-full-run.js";

const getFlags = z.object({ include: includeFlag(detailParts) });

/** Adds `get` to `keystroke history`. */
export function configure(history: Command): void {
  history
    .command("get")
    .description("Show one run")
    .argument("<run-id>", "the run's ID, e.g. run_01JD…")
    .option("--include <parts>", `add ${detailParts.join(", ")} (comma-separated)`)
    .action(
      commandAction(async (command, context) => {
        const [runId = ""] = command.args;
        const { include = [] } = parseOptions(getFlags, command.opts());
        const client = context.client();
        const run = await readFullRun(
          (page) => client.getRun(runId, page),
          include,
          (counts) => context.progress.update(describeCounts(counts)),
        );
        return { data: run, human: () => renderRun(run) };
      }),
    );
}
