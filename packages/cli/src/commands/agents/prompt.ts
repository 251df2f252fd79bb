/**
 * `keystroke agents prompt <agent-slug> --message "…" [--session-id <id>]`: prompts an agent on
 * the target server and prints `{ sessionId, runId, status, messages, error }`. While the agent
 * works, a terminal shows what it is doing (thinking, calling a tool, waiting for a subagent).
 * Exits 1 when the session failed or was canceled.
 */
import type { StoredEvent } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";
import { renderConversation } from "../../output/render-run.js";
import { renderFields } from "../../output/render-table.js";
import { cliOriginHeaders, shownValue } from "../../target/cli-origin.js";

const promptFlags = z.object({
  message: z
    .string({ error: "expected the prompt text" })
    .trim()
    .min(1, "expected the prompt text, not an empty string"),
  sessionId: z.string().min(1, "expected a session ID").optional(),
});

/** What the agent is doing, for the progress line. */
export function describeActivity(slug: string, event: StoredEvent): string | undefined {
  switch (event.type) {
    case "run.started":
      return `${slug}: started…`;
    case "message.added":
      if (event.message.role !== "assistant") return `${slug}: thinking…`;
      return event.message.parts.some((p) => p.type === "tool_call")
        ? `${slug}: calling ${event.message.parts
            .filter((p) => p.type === "tool_call")
            .map((p) => (p as { name: string }).name)
            .join(", ")}…`
        : `${slug}: answering…`;
    case "message.part_added":
      return event.part.type === "tool_result"
        ? `${slug}: ${event.part.name ?? "tool"} ${event.part.error ? "failed" : "answered"}, thinking…`
        : undefined;
    case "model.called":
      return `${slug}: ${event.provider}/${event.model} answered (${event.usage.inputTokens + event.usage.outputTokens} tokens)…`;
    default:
      return undefined;
  }
}

/** Adds `prompt` to `keystroke agents`. */
export function configure(agents: Command): void {
  agents
    .command("prompt")
    .description("Prompt an agent; the session is recorded as an agent run")
    .argument("<agent-slug>", "the agent's slug")
    .requiredOption("--message <text>", "what to say to the agent")
    .option("--session-id <id>", "continue this session (the same run) instead of starting one")
    .action(
      commandAction(async (command, context) => {
        const [slug = ""] = command.args;
        const { message, sessionId } = parseOptions(promptFlags, command.opts());
        context.progress.update(`${slug}: prompting…`);
        const result = await context.client().prompt(slug, {
          message,
          sessionId,
          headers: cliOriginHeaders(
            `keystroke agents prompt ${slug} --message ${shownValue(message)}${sessionId ? ` --session-id ${sessionId}` : ""}`,
          ),
          onEvent: (event) => {
            const activity = describeActivity(slug, event);
            if (activity) context.progress.update(activity);
          },
        });
        if (result.status !== "success") process.exitCode = 1;
        const data = {
          sessionId: result.sessionId,
          runId: result.runId,
          status: result.status,
          messages: result.messages,
          error: result.error ?? null,
        };
        return {
          data,
          human: () =>
            [
              renderFields([
                ["Session", result.sessionId],
                ["Run ID", result.runId],
                ["Status", result.status],
                ...(result.error ? ([["Error", result.error.message]] as [string, string][]) : []),
              ]),
              renderConversation(result.messages),
            ].join("\n\n"),
        };
      }),
    );
}
