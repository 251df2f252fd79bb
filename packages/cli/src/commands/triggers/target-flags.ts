/**
 * `--workflow <slug> | --agent <slug>`: which attachment of a trigger source a command is about.
 * A source may feed several workflows and agents; without either flag a command acts on them all.
 */
import type { Command } from "commander";
import { z } from "zod";

const slugFlag = z.string().min(1, "expected a slug").optional();

const bothTargets = (flags: { workflow?: string; agent?: string }) =>
  flags.workflow !== undefined && flags.agent !== undefined;

/**
 * A command's flags with `--workflow` and `--agent` added, at most one of the two.
 *
 * @example
 * parseOptions(withTargetFlags({ input: jsonFlag.optional() }), command.opts());
 */
export function withTargetFlags<S extends z.ZodRawShape>(shape: S) {
  return z
    .object({ ...shape, workflow: slugFlag, agent: slugFlag })
    .refine((flags) => !bothTargets(flags as { workflow?: string; agent?: string }), {
      path: ["workflow"],
      message: "use --workflow or --agent, not both",
    });
}

/**
 * Adds `--workflow` and `--agent` to a command; `what` completes "… only the attachment to".
 *
 * @example
 * addTargetFlags(triggers.command("disable"), "turn off");
 */
export function addTargetFlags(command: Command, what: string): Command {
  return command
    .option("--workflow <slug>", `${what} only the attachment to this workflow`)
    .option("--agent <slug>", `${what} only the attachment to this agent`);
}
