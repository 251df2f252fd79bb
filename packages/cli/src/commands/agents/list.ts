/** `keystroke agents list`: the agents of the project the target server hosts. */
import type { Command } from "commander";
import type { AgentInfo } from "keystroke/client";
import { commandAction } from "../../output/command-action.js";
import { renderTable } from "../../output/render-table.js";

/** Adds `list` to `keystroke agents`. */
export function configure(agents: Command): void {
  agents
    .command("list")
    .description("List the agents of the project the server hosts")
    .action(
      commandAction(async (_command, context) => {
        const list = await context.client().listAgents();
        return {
          data: list,
          human: () =>
            list.agents.length === 0
              ? "No agents: the server hosts no project. Run `keystroke dev` in a project folder."
              : renderTable<AgentInfo>(
                  [
                    { label: "Slug", cell: (a) => a.slug },
                    { label: "Name", cell: (a) => a.name },
                    { label: "Model", cell: (a) => a.model },
                    {
                      label: "Tools",
                      cell: (a) => a.tools.map((t) => (t.kind === "agent" ? `${t.slug} (agent)` : t.slug)).join(", "),
                    },
                  ],
                  list.agents,
                ),
        };
      }),
    );
}
