/** A real Keystroke server on 127.0.0.1 over a SQLite file in a temporary folder, for CLI tests. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "@keystroke/server";
import { KeystrokeClient } from "keystroke/client";

export interface TestServer {
  url: string;
  client: KeystrokeClient;
  /** Stops the server and deletes its folder. */
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), "keystroke-cli-"));
  const running = await startServer({ host: "127.0.0.1", port: 0, dbPath: join(dir, "keystroke.db") });
  return {
    url: running.url,
    client: new KeystrokeClient({ baseUrl: running.url }),
    close: async () => {
      await running.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
