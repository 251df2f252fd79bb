/**
 * `keystroke workflows run <slug> [--input '<json>'] [--wait]`: starts a run of a workflow on the
 * target server and prints `{ runId, status }`. With `--wait` it follows the run until it
 * finished, or until it sleeps or waits on a hook (a hook's resumeUrl is in `wait`), and prints
 * the run with its steps; a terminal shows each step as it finishes. Exits 1 when the run failed
 * or was canceled; a sleeping or waiting run exits 0.
 */
import type { Command } from "commander";
import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";
import { statusLabel } from "../../output/format-values.js";
import { renderFields } from "../../output/render-table.js";
import { renderWorkflowSummary } from "../../output/render-workflow.js";
import { workflowProgress } from "../../output/workflow-progress.js";
import { followRun } from "../../runs/follow-run.js";
import { readFullRun } from "../../runs/read-full-run.js";
import { summarizeWorkflowRun } from "../../runs/workflow-summary.js";
import { cliOriginHeaders, shownValue } from "../../target/cli-origin.js";

const jsonFlag = z.string().transform((text, ctx): unknown => {
  try {
    return JSON.parse(text);
  } catch (thrown) {
    const why = thrown instanceof Error ? ` (${thrown.message})` : "";
    ctx.addIssue({ code: "custom", message: `expected JSON such as '{"orderId":"A-1001"}'${why}` });
    return z.NEVER;
  }
});

const runFlags = z.object({
  input: jsonFlag.optional(),
  wait: z.boolean().optional(),
});

/** Adds `run` to `keystroke workflows`. */
export function configure(workflows: Command): void {
  workflows
    .command("run")
    .description("Start a run of a workflow; with --wait, follow it until it finishes, sleeps or waits on a hook")
    .argument("<workflow-slug>", "the workflow's slug")
    .option("--input <json>", "the run's input as JSON (default {})")
    .option("--wait", "follow the run and print it once it finished, or once it sleeps or waits on a hook")
    .action(
      commandAction(async (command, context) => {
        const [slug = ""] = command.args;
        const { input = {}, wait } = parseOptions(runFlags, command.opts());
        const raw = command.opts().input as string | undefined;
        const client = context.client();
        context.progress.update(`${slug}: starting…`);
        const started = await client.runWorkflow(slug, input, {
          headers: cliOriginHeaders(
            `keystroke workflows run ${slug}${raw === undefined ? "" : ` --input ${shownValue(raw)}`}`,
          ),
        });
        if (!wait) {
          return {
            data: started,
            human: () =>
              `${renderFields([
                ["Run ID", started.runId],
                ["Status", statusLabel(started.status)],
              ])}\n\nFollow it with \`keystroke workflows runs get ${slug} ${started.runId} --summary\``,
          };
        }
        const describe = workflowProgress(slug);
        await followRun(client, started.runId, (event) => {
          const { activity, finished } = describe(event);
          if (finished) context.progress.note(finished);
          if (activity) context.progress.update(activity);
        });
        const run = await readFullRun((include) => client.getRun(started.runId, include), ["steps"]);
        if (run.status === "failed" || run.status === "canceled") process.exitCode = 1;
        return { data: run, human: () => renderWorkflowSummary(summarizeWorkflowRun(run)) };
      }),
    );
}
