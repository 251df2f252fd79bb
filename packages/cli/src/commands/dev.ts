/**
 * `keystroke dev [--dir .] [--port 3400] [--host 127.0.0.1] [--allowed-host <name>…] [--seed <file>] [--no-watch]`: serves
 * the project in `--dir` on this machine with an embedded SQLite store under `.keystroke/`,
 * reloads it when its files change, and writes `.keystroke/dev.json` so the CLI in the project
 * finds this server. Prints human status lines until SIGINT or SIGTERM.
 */
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import { agentSettingsFromEnv } from "../lifecycle/agent-settings.js";
import { addAllowedHostOption, allowedHostFlags, allowedHostsNote } from "../lifecycle/allowed-host-options.js";
import { removeDevFile, writeDevFile } from "../lifecycle/dev-file.js";
import { listenError } from "../lifecycle/listen-error.js";
import { addOtlpOptions, otlpFlags, otlpServerOptions } from "../lifecycle/otlp-options.js";
import { readSeedFile, recordSeedPrompts } from "../lifecycle/seed-prompts.js";
import { nextStopSignal } from "../lifecycle/stop-signal.js";
import { integerFlag } from "../options/flag-schemas.js";
import { parseOptions } from "../options/parse-options.js";
import { commandAction } from "../output/command-action.js";

const devFlags = z.object({
  dir: z.string().min(1, "expected a folder"),
  port: integerFlag(0, 65535),
  host: z.string().min(1, "expected a host name or IP address"),
  seed: z.string().min(1, "expected a JSON file of prompts").optional(),
  watch: z.boolean(),
  ...otlpFlags,
  ...allowedHostFlags,
});

function modelsNote(): string {
  const keys = ["ANTHROPIC_API_KEY", "OPENAI_API_KEY"].filter((k) => process.env[k]);
  return keys.length ? `provider keys set: ${keys.join(", ")}` : "no provider key set: demo/… models answer offline";
}

/** Adds `keystroke dev`. */
export function configure(program: Command): void {
  const dev = program
    .command("dev")
    .description("Run the project in this folder locally: serve, record and reload on change")
    .option("--dir <path>", "the project folder (with keystroke.config.ts)", ".")
    .option("--port <port>", "port to listen on; 0 picks a free one", "3400")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--seed <file>", "on first start (empty store), record these example prompts")
    .option("--no-watch", "do not reload when files change");
  addOtlpOptions(addAllowedHostOption(dev)).action(
    commandAction(async (command, context) => {
      const flags = parseOptions(devFlags, command.opts());
      const projectDir = resolve(flags.dir);
      if (!existsSync(join(projectDir, "keystroke.config.ts"))) {
        throw new KeystrokeError("not_found", `No keystroke.config.ts in ${projectDir}`, {
          hint: "Run `keystroke dev` in a project folder, pass --dir, or create one with `keystroke init <dir> --yes`",
        });
      }
      const seed = flags.seed ? readSeedFile(resolve(flags.seed)) : undefined;
      const agents = agentSettingsFromEnv();
      const dbPath = join(projectDir, ".keystroke", "keystroke.db");
      context.say(`Loading ${relative(process.cwd(), projectDir) || "."}…`);
      const { parseOtlpHeaders, startServer } = await import("@keystroke/server");
      const running = await startServer({
        host: flags.host,
        port: flags.port,
        allowedHosts: flags.allowedHost,
        dbPath,
        projectDir,
        watch: flags.watch,
        agents,
        ...otlpServerOptions(flags, parseOtlpHeaders),
        projectEvents: {
          onReload: (project, changed) =>
            context.say(
              `Reloaded (${changed.join(", ") || "files changed"}): ${[...project.agents.keys()].join(", ") || "no agents"}`,
            ),
          onReloadError: (error) =>
            context.say(
              `Reload failed, still serving the last good version: ${error instanceof Error ? error.message : String(error)}`,
            ),
        },
      }).catch((thrown: unknown) => {
        throw listenError(thrown, flags.host, flags.port);
      });
      const project = running.project?.current();
      writeDevFile(projectDir, {
        url: running.url,
        pid: process.pid,
        project: project?.config.project ?? "",
        startedAt: new Date().toISOString(),
      });
      context.say(
        `Project ${project?.config.project}: ${[...(project?.agents.keys() ?? [])].join(", ") || "no agents yet (add one under src/agents)"}`,
      );
      const workflowSlugs = [...(project?.workflows.keys() ?? [])];
      if (workflowSlugs.length) context.say(`Workflows: ${workflowSlugs.join(", ")}`);
      context.say(`Models: ${modelsNote()}`);
      const hostsNote = allowedHostsNote(flags.host, flags.allowedHost);
      if (hostsNote) context.say(hostsNote);
      if (flags.otlpExportUrl) context.say(`Sending runs as OTLP to ${flags.otlpExportUrl}`);
      if (running.project?.interrupted.length) {
        context.say(`Marked ${running.project.interrupted.length} session(s) interrupted by the last stop as failed`);
      }
      if (seed && (await running.store.listRuns({}, { limit: 1 })).runs.length === 0) {
        const statuses = await recordSeedPrompts(running.server, seed, (done, total) => {
          if (done < total) context.say(`Recording example ${done + 1} of ${total}…`);
        });
        const count = (status: string) => statuses.filter((s) => s === status).length;
        const waiting = count("sleeping") + count("waiting_on_hook");
        context.say(
          `Recorded ${statuses.length} examples (${count("success")} succeeded, ${count("failed")} failed${waiting ? `, ${waiting} sleeping or waiting` : ""})`,
        );
      }
      context.say(`History: ${running.url}`);
      context.say(`Database: ${dbPath}`);
      context.say("Watching for changes. Press Ctrl+C to stop.");
      await nextStopSignal();
      removeDevFile(projectDir);
      await running.close();
      context.say("Keystroke stopped");
      return undefined;
    }),
  );
}
