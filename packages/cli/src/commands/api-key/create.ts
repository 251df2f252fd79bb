/**
 * `keystroke api-key create --name <name> [--project <slug>]`: a key of the active organization
 * that acts as you. The key alone goes to stdout (so `KEY=$(keystroke api-key create …)` works) and
 * the warning that it is shown once to stderr; `--json` prints `{ key, apiKey }`.
 */
import { slugSchema } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import { activeOrganization, signedInClient } from "../../credentials/signed-in.js";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";

const createFlags = z.object({
  name: z.string().trim().min(1, "expected a name for the key"),
  project: slugSchema.optional(),
});

/** Adds `create` to `keystroke api-key`. */
export function configure(apiKey: Command): void {
  apiKey
    .command("create")
    .description("Create an API key of the active organization (shown once)")
    .requiredOption("--name <name>", "what the key is for, e.g. ci")
    .option("--project <slug>", "bind the key to this project (the OTLP receiver needs one)")
    .action(
      commandAction(async (command, context) => {
        const { name, project } = parseOptions(createFlags, command.opts());
        const client = signedInClient(context);
        const organization = await activeOrganization(context, client);
        const created = await client.createApiKey(organization, { name, ...(project ? { project } : {}) });
        if (!context.flags.json) {
          process.stderr.write(
            `API key "${name}" of ${organization}${project ? ` (project ${project})` : ""}: store it now, it will not be shown again.\n`,
          );
        }
        return { data: created, plain: created.key };
      }),
    );
}
