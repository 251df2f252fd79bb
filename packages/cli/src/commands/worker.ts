/**
 * `keystroke worker --database-url postgres://… [--dir <project>]`: executes runs for the replicas
 * on one PostgreSQL database — workflow runs claimed under a lease, sleeps woken, hook timeouts,
 * cron and poll ticks — and serves no HTTP. With --dir it runs that project, as replicas started
 * with --dir do; without, it runs what was deployed (`keystroke deploy`) and follows new deploys.
 * Replicas execute runs too; workers add capacity that takes no HTTP traffic. Stops on SIGINT or
 * SIGTERM, handing the runs it held back at once.
 */
import { KeystrokeError } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import { agentSettingsFromEnv } from "../lifecycle/agent-settings.js";
import { addDatabaseOptions, databaseFlags, databaseUrlFrom, projectDirFrom } from "../lifecycle/database-options.js";
import { deployLine, failedDeployLine, followedDeployLine } from "../lifecycle/deploy-lines.js";
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
      if (!projectDir && !flags.auth) {
        throw new KeystrokeError(
          "invalid_input",
          "keystroke worker --no-auth needs --dir, the project the replicas host",
          {
            hint: "Replicas with auth host what `keystroke deploy` sent them, and a worker without --dir follows it",
            details: { problems: [{ path: "dir", message: "required with --no-auth" }] },
          },
        );
      }
      const { startServer } = await import("@keystroke/server");
      // Like the replicas: with auth, runs are recorded under the project's organization.
      const running = await startServer({
        databaseUrl,
        ...(projectDir ? { projectDir } : {}),
        listen: false,
        agents: agentSettingsFromEnv(),
        ...(flags.auth ? { auth: {} } : {}),
        onDeploy: (taken) => context.say(followedDeployLine(taken)),
      });
      const project = running.project?.current();
      context.say(`Keystroke worker on ${running.database}`);
      if (project) {
        const workflows = [...project.workflows.keys()].join(", ") || "no workflows";
        context.say(`Project ${project.config.project}: ${workflows}`);
      }
      for (const deploy of running.deploys) context.say(`${deployLine(deploy)}; new deploys are followed`);
      for (const failed of running.deployErrors) context.say(failedDeployLine(failed));
      if (!project && running.deploys.length === 0) {
        context.say("Nothing deployed yet: the first deploy is taken up when it comes");
      }
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
