/**
 * `keystroke worker --database-url postgres://… --dir <project>`: executes runs for the replicas
 * on one PostgreSQL database — workflow runs claimed under a lease, sleeps woken, hook timeouts,
 * cron and poll ticks — and serves no HTTP. Replicas execute runs too; workers add capacity that
 * takes no HTTP traffic. Stops on SIGINT or SIGTERM, handing the runs it held back at once.
 */
import { KeystrokeError } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import { agentSettingsFromEnv } from "../lifecycle/agent-settings.js";
import { addDatabaseOptions, databaseFlags, databaseUrlFrom, projectDirFrom } from "../lifecycle/database-options.js";
import { nextStopSignal } from "../lifecycle/stop-signal.js";
import { parseOptions } from "../options/parse-options.js";
import { commandAction } from "../output/command-action.js";

const workerFlags = z.object({ ...databaseFlags, auth: z.boolean() });

/** Adds `keystroke worker`. */
export function configure(program: Command): void {
  const worker = program
    .command("worker")
    .description("Execute runs for the replicas on a PostgreSQL database (no HTTP)")
    .option("--no-auth", "the replicas serve with --no-auth: record runs under the bare project slug");
  addDatabaseOptions(worker).action(
    commandAction(async (command, context) => {
      const flags = parseOptions(workerFlags, command.opts());
      const databaseUrl = databaseUrlFrom(flags.databaseUrl);
      if (!databaseUrl) {
        throw new KeystrokeError("invalid_input", "keystroke worker needs --database-url (or KEYSTROKE_DATABASE_URL)", {
          hint: "Workers share runs with the replicas through PostgreSQL: give the URL the replicas use",
          details: { problems: [{ path: "databaseUrl", message: "required" }] },
        });
      }
      const projectDir = projectDirFrom(flags.dir);
      if (!projectDir) {
        throw new KeystrokeError("invalid_input", "keystroke worker needs --dir, the project the replicas host", {
          details: { problems: [{ path: "dir", message: "required" }] },
        });
      }
      const { startServer } = await import("@keystroke/server");
      // Like the replicas: with auth, runs are recorded under the project's organization.
      const running = await startServer({
        databaseUrl,
        projectDir,
        listen: false,
        agents: agentSettingsFromEnv(),
        ...(flags.auth ? { auth: {} } : {}),
      });
      const project = running.project?.current();
      context.say(`Keystroke worker on ${running.database}`);
      context.say(
        `Project ${project?.config.project}: ${[...(project?.workflows.keys() ?? [])].join(", ") || "no workflows"}`,
      );
      if (!running.url) {
        context.say("KEYSTROKE_PUBLIC_URL is not set: hook URLs made here point at http://127.0.0.1");
      }
      await nextStopSignal();
      await running.close();
      context.say("Keystroke worker stopped");
      return undefined;
    }),
  );
}
