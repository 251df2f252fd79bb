/**
 * `keystroke triggers disable <slug> [--workflow <slug> | --agent <slug>]`: turns a trigger source's
 * attachments off (or the one named) and prints the attachments changed, as `{ triggers }`.
 */
import type { Command } from "commander";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";
import { renderTriggerTable } from "../../output/render-trigger.js";
import { addTargetFlags, withTargetFlags } from "./target-flags.js";

const disableFlags = withTargetFlags({});

/** Adds `disable` to `keystroke triggers`. */
export function configure(triggers: Command): void {
  const command = triggers
    .command("disable")
    .description("Turn a trigger source off (it survives redeploys), or only one attachment")
    .argument("<slug>", "the trigger source's slug");
  addTargetFlags(command, "turn off").action(
    commandAction(async (cmd, context) => {
      const [slug = ""] = cmd.args;
      const target = parseOptions(disableFlags, cmd.opts());
      const changed = await context.client().setTriggerEnabled(slug, false, target);
      return { data: changed, human: () => renderTriggerTable(changed.triggers) };
    }),
  );
}
