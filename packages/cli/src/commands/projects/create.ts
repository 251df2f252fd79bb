/**
 * `keystroke projects create --name <name> [--slug <slug>]`: a project in the active
 * organization, the user its Project Admin. The slug defaults to the name, lowercased, with
 * dashes for anything else.
 */
import { slugSchema } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import { activeOrganization, signedInClient } from "../../credentials/signed-in.js";
import { invalidFlag, parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";

const createFlags = z.object({
  name: z.string().trim().min(1, "expected the project's name"),
  slug: slugSchema.optional(),
});

/**
 * @example
 * slugFromName("Customer Support (EU)"); // → "customer-support-eu"
 */
export function slugFromName(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Adds `create` to `keystroke projects`. */
export function configure(projects: Command): void {
  projects
    .command("create")
    .description("Create a project in the active organization")
    .requiredOption("--name <name>", "the project's name")
    .option("--slug <slug>", "its slug (default: from the name)")
    .action(
      commandAction(async (command, context) => {
        const { name, slug: given } = parseOptions(createFlags, command.opts());
        const slug = given ?? slugFromName(name);
        if (!slugSchema.safeParse(slug).success) {
          throw invalidFlag([{ path: "--name", message: "gives no slug: pass --slug <slug> as well" }], name);
        }
        const client = signedInClient(context);
        const organization = await activeOrganization(context, client);
        const project = await client.createProject(organization, { slug, name });
        return {
          data: { organization, project },
          human: () =>
            [
              `Created project ${project.slug} ("${project.name}") in ${organization}`,
              `Link a project folder to it with \`keystroke projects link --project ${project.slug}\``,
            ].join("\n"),
        };
      }),
    );
}
