/** `keystroke projects list`: the projects of the active organization the user can access. */
import type { Command } from "commander";
import { activeOrganization, signedInClient } from "../../credentials/signed-in.js";
import { commandAction } from "../../output/command-action.js";
import { renderTable } from "../../output/render-table.js";

/** Adds `list` to `keystroke projects`. */
export function configure(projects: Command): void {
  projects
    .command("list")
    .description("List the projects of the active organization that you can access")
    .action(
      commandAction(async (_command, context) => {
        const client = signedInClient(context);
        const organization = await activeOrganization(context, client);
        const { projects: list } = await client.listProjects(organization);
        return {
          data: { organization, projects: list },
          human: () =>
            list.length === 0
              ? `No projects in ${organization} yet: create one with \`keystroke projects create --name <name>\``
              : renderTable(
                  [
                    { label: "Slug", cell: (p) => p.slug },
                    { label: "Name", cell: (p) => p.name },
                  ],
                  list,
                ),
        };
      }),
    );
}
