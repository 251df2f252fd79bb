/**
 * `keystroke workflows runs get <slug> <run-id> [--summary | --field <path> | --include trigger,steps,trace,messages]`:
 * one run of the workflow with the parts included (all pages followed), a short summary, or one field.
 */
import type { Command } from "commander";
import { z } from "zod";
import { includeFlag } from "../../options/flag-schemas.js";
import { parseOptions } from "../../options/parse-options.js";
import { type CommandOutput, commandAction } from "../../output/command-action.js";
import { describeCounts } from "../../output/progress.js";
import { renderWorkflowRun, renderWorkflowSummary } from "../../output/render-workflow.js";
import { type DetailPart, detailParts, readFullRun } from "../../runs/read-full-run.js";
import { fieldRoot, selectField } from "../../runs/select-field.js";
import { summarizeWorkflowRun } from "../../runs/workflow-summary.js";

/** `trigger` is always in the run's JSON; on a terminal it adds where the run came from. */
const runParts = ["trigger", "steps", "trace", "messages"] as const;

const getFlags = z
  .object({
    summary: z.boolean().optional(),
    field: z.string().min(1, "expected a path such as status or output.trackingId").optional(),
    include: includeFlag(runParts),
  })
  .refine((flags) => !(flags.summary && (flags.field !== undefined || flags.include !== undefined)), {
    path: ["summary"],
    message: "use --summary alone, without --field or --include",
  });

const isDetailPart = (part: string): part is DetailPart => (detailParts as readonly string[]).includes(part);

/** Adds `get` to `keystroke workflows runs`. */
export function configure(runs: Command): void {
  runs
    .command("get")
    .description("Show one run of a workflow")
    .argument("<workflow-slug>", "the workflow's slug")
    .argument("<run-id>", "the run's ID")
    .option("--summary", "a short summary: status, duration, steps with their attempts, the wait, the output or error")
    .option("--field <path>", "print one field, e.g. status or output (strings print raw)")
    .option("--include <parts>", `add ${runParts.join(", ")} (comma-separated)`)
    .action(
      commandAction(async (command, context): Promise<CommandOutput> => {
        const [slug = "", runId = ""] = command.args;
        const { summary, field, include = [] } = parseOptions(getFlags, command.opts());
        const parts = new Set<DetailPart>(include.filter(isDetailPart));
        if (summary) parts.add("steps");
        const root = field === undefined ? undefined : fieldRoot(field);
        if (root !== undefined && isDetailPart(root)) parts.add(root);
        const client = context.client();
        const run = await readFullRun(
          (page) => client.getWorkflowRun(slug, runId, page),
          [...parts],
          (counts) => context.progress.update(describeCounts(counts)),
        );
        if (summary) {
          const short = summarizeWorkflowRun(run);
          return { data: short, human: () => renderWorkflowSummary(short) };
        }
        if (field !== undefined) {
          const value = selectField(run, field);
          return { data: value, plain: typeof value === "string" ? value : JSON.stringify(value, null, 2) };
        }
        return { data: run, human: () => renderWorkflowRun(run, { trigger: include.includes("trigger") }) };
      }),
    );
}
