/**
 * `keystroke triggers invoke <slug> [--input '<json>'] [--workflow <slug> | --agent <slug>]`: fires
 * a trigger source now, as a real delivery (its filter and transform apply), and prints the runs
 * it started as `{ runIds }`.
 */
import type { Command } from "commander";
import type { TriggerInvoked } from "keystroke/client";
import { jsonFlag } from "../../options/flag-schemas.js";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";
import { addTargetFlags, withTargetFlags } from "./target-flags.js";

const invokeFlags = withTargetFlags({ input: jsonFlag.optional() });

/** Adds `invoke` to `keystroke triggers`. */
export function configure(triggers: Command): void {
  const command = triggers
    .command("invoke")
    .description("Fire a trigger source now, as a real delivery, and print the runs it started")
    .argument("<slug>", "the trigger source's slug")
    .option("--input <json>", "the event as JSON: a webhook's body, a cron's payload (polls ignore it)");
  addTargetFlags(command, "fire").action(
    commandAction(async (cmd, context) => {
      const [slug = ""] = cmd.args;
      const { input, workflow, agent } = parseOptions(invokeFlags, cmd.opts());
      context.progress.update(`${slug}: firing…`);
      const invoked = await context.client().invokeTrigger(slug, { input, workflow, agent });
      return { data: invoked, human: () => describeInvoked(slug, invoked) };
    }),
  );
}

function describeInvoked(slug: string, { runIds, deliveries = [] }: TriggerInvoked): string {
  const notStarted = deliveries
    .filter((d) => d.runId === null)
    .map((d) => `  ${d.trigger}: ${d.outcome}${d.reason ? ` (${d.reason})` : ""}`);
  if (runIds.length === 0) {
    return ["No run started.", ...(notStarted.length > 0 ? notStarted : ["  the event was filtered out"])].join("\n");
  }
  return [
    `Started ${runIds.length === 1 ? "1 run" : `${runIds.length} runs`}:`,
    ...runIds.map((runId) => `  ${runId}`),
    ...(notStarted.length > 0 ? ["Not started:", ...notStarted] : []),
    "",
    `Follow it with \`keystroke triggers runs get ${slug} ${runIds[0]} --summary\``,
  ].join("\n");
}
