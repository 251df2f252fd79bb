/**
 * `keystroke serve [--port 3400] [--host 127.0.0.1] [--db .keystroke/keystroke.db | --database-url postgres://…]
 * [--dir <project>] [--allowed-host <name>…] [--otlp-max-body <bytes>] [--otlp-export-url <url>]`:
 * a Keystroke server (and its OTLP receiver) until SIGINT or SIGTERM — on an embedded SQLite
 * file by default, or as one of several replicas on PostgreSQL. With `--dir` it hosts a project
 * (without watching it). The server package is imported here only, so the inspect commands
 * start without loading Fastify and SQLite.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { agentSettingsFromEnv } from "../lifecycle/agent-settings.js";
import { addAllowedHostOption, allowedHostFlags, allowedHostsNote } from "../lifecycle/allowed-host-options.js";
import { initFromEnv } from "../lifecycle/auth-init.js";
import { addDatabaseOptions, databaseFlags, databaseUrlFrom, projectDirFrom } from "../lifecycle/database-options.js";
import { deployLine, failedDeployLine, followedDeployLine } from "../lifecycle/deploy-lines.js";
import { listenError } from "../lifecycle/listen-error.js";
import { addOtlpOptions, otlpFlags, otlpServerOptions } from "../lifecycle/otlp-options.js";
import { nextStopSignal } from "../lifecycle/stop-signal.js";
import { integerFlag } from "../options/flag-schemas.js";
import { parseOptions } from "../options/parse-options.js";
import { commandAction } from "../output/command-action.js";

const serveFlags = z.object({
  port: integerFlag(0, 65535),
  host: z.string().min(1, "expected a host name or IP address"),
  db: z.string().min(1, "expected a file path"),
  auth: z.boolean(),
  ...databaseFlags,
  ...otlpFlags,
  ...allowedHostFlags,
});

/** Adds `keystroke serve`. */
export function configure(program: Command): void {
  const serve = program
    .command("serve")
    .description("Start a Keystroke server: an embedded SQLite store, or a replica on PostgreSQL")
    .option("--port <port>", "port to listen on; 0 picks a free one", "3400")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--db <path>", "SQLite database file", ".keystroke/keystroke.db")
    .option("--no-auth", "serve without sign-in: anyone who reaches the server can use it");
  addOtlpOptions(addAllowedHostOption(addDatabaseOptions(serve))).action(
    commandAction(async (command, context) => {
      const flags = parseOptions(serveFlags, command.opts());
      const { port, host } = flags;
      const dbPath = resolve(flags.db);
      const databaseUrl = databaseUrlFrom(flags.databaseUrl);
      const projectDir = projectDirFrom(flags.dir);
      const { parseOtlpHeaders, startServer } = await import("@keystroke/server");
      const otlp = otlpServerOptions(flags, parseOtlpHeaders);
      const allowedHosts = flags.allowedHost;
      const server = await startServer({
        host,
        port,
        ...(databaseUrl ? { databaseUrl } : { dbPath }),
        ...(projectDir ? { projectDir, agents: agentSettingsFromEnv() } : {}),
        allowedHosts,
        ...(flags.auth ? { auth: { ...initFromEnv() } } : {}),
        ...otlp,
        onDeploy: (taken) => context.say(followedDeployLine(taken)),
      }).catch((thrown: unknown) => {
        throw listenError(thrown, host, port);
      });
      context.say(`Keystroke is listening on ${server.url}`);
      context.say(`Database: ${server.database}${databaseUrl ? " (PostgreSQL, shared with other replicas)" : ""}`);
      if (!flags.auth) context.say("Auth is off (--no-auth): anyone who reaches this server can use it");
      if (server.setupUrl) context.say(`No user yet: create the first organization at ${server.setupUrl}`);
      const project = server.project?.current();
      if (project) {
        const parts = [...project.agents.keys(), ...project.workflows.keys()];
        context.say(`Project ${project.config.project}: ${parts.join(", ") || "no agents or workflows yet"}`);
      }
      for (const deploy of server.deploys) context.say(deployLine(deploy));
      for (const failed of server.deployErrors) context.say(failedDeployLine(failed));
      const hostsNote = allowedHostsNote(host, allowedHosts);
      if (hostsNote) context.say(hostsNote);
      if (flags.otlpExportUrl) context.say(`Sending runs as OTLP to ${flags.otlpExportUrl}`);
      await nextStopSignal();
      await server.close();
      context.say("Keystroke stopped");
      return undefined;
    }),
  );
}
