/**
 * `keystroke serve` processes of a test file, on databases it names, so a test can kill one and
 * start another on the same database and port; `stopAll` stops those still running.
 */
import { type ServeProcess, startServeProcess } from "@keystroke/cli/testing";

export interface ServeProcesses {
  /** Starts `keystroke serve --no-auth` on `db`, on `port` (any free one by default). */
  serve(db: string, port?: string): Promise<ServeProcess>;
  stopAll(): Promise<void>;
}

export function serveProcesses(): ServeProcesses {
  const started: ServeProcess[] = [];
  return {
    async serve(db, port = "0") {
      const server = await startServeProcess(["--port", port, "--db", db, "--no-auth"]);
      started.push(server);
      return server;
    },
    async stopAll() {
      for (const server of started) {
        if (server.child.exitCode === null && server.child.signalCode === null) {
          server.child.kill("SIGTERM");
          await server.exited;
        }
      }
    },
  };
}
