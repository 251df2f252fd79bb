/**
 * `keystroke serve [--port 3400] [--host 127.0.0.1] [--db .keystroke/keystroke.db]`: a Keystroke
 * server with an embedded SQLite store, until SIGINT or SIGTERM. The server package is imported
 * here only, so the inspect commands start without loading Fastify and SQLite.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import { listenError } from "../lifecycle/listen-error.js";
import { nextStopSignal } from "../lifecycle/stop-signal.js";
import { integerFlag } from "../options/flag-schemas.js";
import { parseOptions } from "../options/parse-options.js";
import { commandAction } from "../output/command-action.js";

const serveFlags = z.object({
  port: integerFlag(0, 65535),
  host: z.string().min(1, "expected a host name or IP address"),
  db: z.string().min(1, "expected a file path"),
});

/** Adds `keystroke serve`. */
export function configure(program: Command): void {
  program
    .command("serve")
    .description("Start a Keystroke server with an embedded SQLite store")
    .option("--port <port>", "port to listen on; 0 picks a free one", "3400")
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--db <path>", "SQLite database file", ".keystroke/keystroke.db")
    .action(
      commandAction(async (command, context) => {
        const { port, host, db } = parseOptions(serveFlags, command.opts());
        const dbPath = resolve(db);
        const { startServer } = await import("@keystroke/server");
        const server = await startServer({ host, port, dbPath }).catch((thrown: unknown) => {
          throw listenError(thrown, host, port);
        });
        context.say(`Keystroke is listening on ${server.url}`);
        context.say(`Database: ${dbPath}`);
        await nextStopSignal();
        await server.close();
        context.say("Keystroke stopped");
        return undefined;
      }),
    );
}
