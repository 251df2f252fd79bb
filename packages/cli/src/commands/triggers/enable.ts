/**
 * `keystroke triggers enable <slug> [--workflow <slug> | --agent <slug>]`: turns a trigger source's
 * attachments on (or the one named) and prints the attachments changed, as `{ triggers }`.
 */
import type { Command } from "commander";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";
import { renderTriggerTable } from "../../output/render-trigger.js";
import { addTargetFlags, withTargetFlags } from "./target-flags.js";

const enableFlags = withTargetFlags({});

/** Adds `enable` to `keystroke triggers`. */
export function configure(triggers: Command): void {
  const command = triggers
    .command("enable")
    .description("Turn a trigger source back on, or only one attachment")
    .argument("<slug>", "the trigger source's slug");
  addTargetFlags(command, "turn on").action(
    commandAction(async (cmd, context) => {
      const [slug = ""] = cmd.args;
      const target = parseOptions(enableFlags, cmd.opts());
      const changed = await context.client().setTriggerEnabled(slug, true, target);
      return { data: changed, human: () => renderTriggerTable(changed.triggers) };
    }),
  );
}
