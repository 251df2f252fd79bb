/**
 * `keystroke projects link --project <slug>`: checks that the project exists in the active
 * organization, then writes `organization` and `project` into the keystroke.config.ts of the
 * current folder (or its nearest ancestor with one), keeping the rest of the file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { KeystrokeError, slugSchema } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import { activeOrganization, signedInClient } from "../../credentials/signed-in.js";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";
import { CONFIG_FILE, findConfigFile, rewriteProjectLink } from "../../project-config/project-link.js";

/** Adds `link` to `keystroke projects`. */
export function configure(projects: Command): void {
  projects
    .command("link")
    .description(`Link this project folder to a project of the active organization (writes ${CONFIG_FILE})`)
    .requiredOption("--project <slug>", "the project (`keystroke projects list` shows them)")
    .action(
      commandAction(async (command, context) => {
        const { project } = parseOptions(z.object({ project: slugSchema }), command.opts());
        const path = findConfigFile(process.cwd());
        if (path === undefined) {
          throw new KeystrokeError("invalid_input", `No ${CONFIG_FILE} in ${process.cwd()} or a folder above it`, {
            hint: "Run it in a Keystroke project (`keystroke init <dir>` creates one)",
          });
        }
        const client = signedInClient(context);
        const organization = await activeOrganization(context, client);
        const updated = rewriteProjectLink(readFileSync(path, "utf8"), { organization, project }, path);
        const { projects: list } = await client.listProjects(organization);
        if (!list.some((p) => p.slug === project)) {
          const known = list.map((p) => p.slug).join(", ");
          throw new KeystrokeError("not_found", `No project "${project}" in ${organization} on ${client.baseUrl}`, {
            hint: `${known ? `Projects you can access: ${known}. ` : ""}Create it with \`keystroke projects create --name <name> --slug ${project}\``,
          });
        }
        writeFileSync(path, updated);
        return {
          data: { server: client.baseUrl, organization, project, config: path },
          plain: `Linked ${path} to ${organization}/${project} on ${client.baseUrl}`,
        };
      }),
    );
}
