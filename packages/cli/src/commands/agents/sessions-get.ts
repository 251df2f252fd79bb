/**
 * `keystroke agents sessions get <agent-slug> <session-id> [--summary | --field <path> | --include messages,trace]`:
 * the session's run with the parts included (all pages followed), a short summary, or one field.
 */
import type { Command } from "commander";
import { z } from "zod";
import { includeFlag } from "../../options/flag-schemas.js";
import { parseOptions } from "../../options/parse-options.js";
import { type CommandOutput, commandAction } from "../../output/command-action.js";
import { describeCounts } from "../../output/progress.js";
import { renderRun, renderSessionSummary } from "../../output/render-run.js";
import { type DetailPart, readFullRun } from "../../runs/read-full-run.js";
import { fieldRoot, selectField } from "../../runs/select-field.js";
import { summarizeSession } from "../../runs/session-summary.js";

const sessionParts = ["messages", "trace"] as const;

const getFlags = z
  .object({
    summary: z.boolean().optional(),
    field: z.string().min(1, "expected a path such as status or tokens.input").optional(),
    include: includeFlag(sessionParts),
  })
  .refine((flags) => !(flags.summary && (flags.field !== undefined || flags.include !== undefined)), {
    path: ["summary"],
    message: "use --summary alone, without --field or --include",
  });

/** Adds `get` to `keystroke agents sessions`. */
export function configure(sessions: Command): void {
  sessions
    .command("get")
    .description("Show one session")
    .argument("<agent-slug>", "the agent's slug")
    .argument("<session-id>", "the session's ID")
    .option("--summary", "a short summary: status, duration, cost, models, the last reply, the error")
    .option("--field <path>", "print one field, e.g. status or tokens.input (strings print raw)")
    .option("--include <parts>", `add ${sessionParts.join(", ")} (comma-separated)`)
    .action(
      commandAction(async (command, context): Promise<CommandOutput> => {
        const [slug = "", sessionId = ""] = command.args;
        const { summary, field, include = [] } = parseOptions(getFlags, command.opts());
        const parts = new Set<DetailPart>(include);
        if (summary) parts.add("messages");
        const root = field === undefined ? undefined : fieldRoot(field);
        if (root === "messages" || root === "trace") parts.add(root);
        const client = context.client();
        const run = await readFullRun(
          (page) => client.getSession(slug, sessionId, page),
          [...parts],
          (counts) => context.progress.update(describeCounts(counts)),
        );
        if (summary) {
          const short = summarizeSession(run);
          return { data: short, human: () => renderSessionSummary(short) };
        }
        if (field !== undefined) {
          const value = selectField(run, field);
          return { data: value, plain: typeof value === "string" ? value : JSON.stringify(value, null, 2) };
        }
        return { data: run, human: () => renderRun(run) };
      }),
    );
}
