/**
 * `keystroke serve [--port 3400] [--host 127.0.0.1] [--db .keystroke/keystroke.db]`: a Keystroke
 * server with an embedded SQLite store, until SIGINT or SIGTERM. The server package is imported
 * here only, so the inspect commands start without loading Fastify and SQLite.
 */
import { resolve } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
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

function listenError(thrown: unknown, host: string, port: number): unknown {
  const code = (thrown as { code?: unknown } | null)?.code;
  if (code === "EADDRINUSE") {
    return new KeystrokeError("conflict", `Port ${port} on ${host} is already in use`, {
      hint: "Stop the other server, or pick another port with --port (0 picks a free one)",
      cause: thrown,
    });
  }
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
    return new KeystrokeError("invalid_input", `Cannot listen on host ${host}`, {
      hint: "Use an address of this machine, such as 127.0.0.1 or 0.0.0.0",
      cause: thrown,
    });
  }
  return thrown;
}

/** Resolves on the first SIGINT or SIGTERM; a second one exits at once, without waiting for the close. */
function nextStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = () => {
      process.on("SIGINT", () => process.exit(1));
      process.on("SIGTERM", () => process.exit(1));
      resolve();
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
}
