/**
 * `keystroke triggers runs get <trigger-slug> <run-id> [--workflow <slug> | --agent <slug>]
 * [--summary | --field <path> | --include workflows,trace,steps,messages]`: a run the trigger
 * source started, as `history get` prints it. `--include workflows` adds what the run went on to
 * start: its steps and its child runs (`childRuns`, agent and workflow runs, oldest first).
 * `--workflow` or `--agent` checks the run is of that attachment.
 */
import { KeystrokeError, type RunSummary } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import { includeFlag } from "../../options/flag-schemas.js";
import { parseOptions } from "../../options/parse-options.js";
import { type CommandOutput, commandAction } from "../../output/command-action.js";
import { describeCounts } from "../../output/progress.js";
import { renderRun, renderSessionSummary } from "../../output/render-run.js";
import { renderWorkflowRun, renderWorkflowSummary } from "../../output/render-workflow.js";
import { renderRunTable } from "../../output/run-table.js";
import { type DetailPart, type FullRun, readFullRun } from "../../runs/read-full-run.js";
import { fieldRoot, selectField } from "../../runs/select-field.js";
import { summarizeSession } from "../../runs/session-summary.js";
import { summarizeWorkflowRun } from "../../runs/workflow-summary.js";
import { readChildRuns } from "./child-runs.js";
import { withTargetFlags } from "./target-flags.js";

const runParts = ["workflows", "trace", "steps", "messages"] as const;

const getFlags = withTargetFlags({
  summary: z.boolean().optional(),
  field: z.string().min(1, "expected a path such as status or output").optional(),
  include: includeFlag(runParts),
}).refine((flags) => !(flags.summary && (flags.field !== undefined || flags.include !== undefined)), {
  path: ["summary"],
  message: "use --summary alone, without --field or --include",
});

type TriggerRun = FullRun & { childRuns?: RunSummary[] };

/** Adds `get` to `keystroke triggers runs`. */
export function configure(runs: Command): void {
  const command = runs
    .command("get")
    .description("Show one run a trigger source started")
    .argument("<trigger-slug>", "the trigger source's slug")
    .argument("<run-id>", "the run's ID")
    .option("--summary", "a short summary: status, duration, the steps or the last reply, the output or error")
    .option("--field <path>", "print one field, e.g. status or output (strings print raw)")
    .option("--include <parts>", `add ${runParts.join(", ")} (comma-separated; workflows: the runs it started)`)
    .option("--workflow <slug>", "fail unless the run is of the attachment to this workflow")
    .option("--agent <slug>", "fail unless the run is of the attachment to this agent");
  command.action(
    commandAction(async (cmd, context): Promise<CommandOutput> => {
      const [slug = "", runId = ""] = cmd.args;
      const { summary, field, include = [], workflow, agent } = parseOptions(getFlags, cmd.opts());
      const parts = new Set<DetailPart>();
      for (const part of include) parts.add(part === "workflows" ? "steps" : part);
      if (summary) for (const part of ["steps", "messages"] as const) parts.add(part);
      const root = field === undefined ? undefined : fieldRoot(field);
      if (root === "steps" || root === "messages" || root === "trace") parts.add(root);
      const client = context.client();
      const run: TriggerRun = await readFullRun(
        (page) => client.getTriggerRun(slug, runId, page),
        [...parts],
        (counts) => context.progress.update(describeCounts(counts)),
      );
      expectTarget(run, slug, workflow, agent);
      if (include.includes("workflows") || root === "childRuns") run.childRuns = await readChildRuns(client, runId);
      if (summary && run.kind === "workflow") {
        const short = summarizeWorkflowRun(run);
        return { data: short, human: () => renderWorkflowSummary(short) };
      }
      if (summary) {
        const short = summarizeSession(run);
        return { data: short, human: () => renderSessionSummary(short) };
      }
      if (field !== undefined) {
        const value = selectField(run, field);
        return { data: value, plain: typeof value === "string" ? value : JSON.stringify(value, null, 2) };
      }
      return { data: run, human: () => renderTriggerRun(run) };
    }),
  );
}

function expectTarget(run: FullRun, slug: string, workflow: string | undefined, agent: string | undefined): void {
  const target =
    workflow === undefined ? agent && { kind: "agent", slug: agent } : { kind: "workflow", slug: workflow };
  if (!target || (run.kind === target.kind && run.slug === target.slug)) return;
  throw new KeystrokeError(
    "not_found",
    `Run ${run.runId} of trigger ${slug} is not a run of ${target.kind} ${target.slug}`,
    {
      hint: `It is a run of ${run.kind} ${run.slug}`,
      details: { runId: run.runId, kind: run.kind, slug: run.slug },
    },
  );
}

function renderTriggerRun(run: TriggerRun): string {
  const shown = run.kind === "workflow" ? renderWorkflowRun(run, { trigger: true }) : renderRun(run);
  if (run.childRuns === undefined) return shown;
  const children = run.childRuns.length === 0 ? "none" : `\n${renderRunTable(run.childRuns, null)}`;
  return `${shown}\n\nRuns it started: ${children}`;
}
