/** `keystroke agents sessions cancel <agent-slug> <session-id>`: stops a running session; it is recorded canceled. */
import type { Command } from "commander";
import { commandAction } from "../../output/command-action.js";

/** Adds `cancel` to `keystroke agents sessions`. */
export function configure(sessions: Command): void {
  sessions
    .command("cancel")
    .description("Cancel a running session")
    .argument("<agent-slug>", "the agent's slug")
    .argument("<session-id>", "the session's ID")
    .action(
      commandAction(async (command, context) => {
        const [slug = "", sessionId = ""] = command.args;
        const client = context.client();
        const { run } = await client.getSession(slug, sessionId);
        const result = await client.cancelRun(run.runId);
        return {
          data: { sessionId, ...result },
          human: () => `Session ${sessionId} (${result.runId}): ${result.status}`,
        };
      }),
    );
}
