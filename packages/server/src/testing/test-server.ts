/**
 * A real server over a real SQLite file in a temporary folder, on 127.0.0.1 and a free port,
 * with small helpers to call it the way a client does. The server's tests, the CLI's and the
 * cross-package ones in tests/ all start their server here.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunEventInput } from "@keystroke/core";
import { KeystrokeClient } from "keystroke/client";
import { type RunningServer, type StartServerOptions, startServer } from "../start-server.js";

export interface JsonReply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface TestServer extends RunningServer {
  dir: string;
  /** The SDK's client, pointed at this server. */
  client: KeystrokeClient;
  get<T = Record<string, unknown>>(path: string): Promise<JsonReply<T>>;
  post<T = Record<string, unknown>>(path: string, body: unknown): Promise<JsonReply<T>>;
  /** Posts `{ runId, events }` to /api/ingest. */
  ingest<T = Record<string, unknown>>(runId: string, events: RunEventInput[]): Promise<JsonReply<T>>;
}

async function reply<T>(response: Response): Promise<JsonReply<T>> {
  return { status: response.status, body: (await response.json()) as T };
}

/** Starts a test server; call `close()` (it also stops the server and deletes its folder). */
export async function startTestServer(
  options: Pick<
    StartServerOptions,
    "bodyLimitBytes" | "projectDir" | "watch" | "agents" | "otlpExport" | "allowedHosts" | "inFlight"
  > = {},
): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), "keystroke-server-"));
  const running = await startServer({ dbPath: join(dir, "db", "keystroke.db"), port: 0, ...options });
  const post = async <T>(path: string, body: unknown) =>
    reply<T>(
      await fetch(`${running.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  return {
    ...running,
    dir,
    client: new KeystrokeClient({ baseUrl: running.url }),
    get: async <T>(path: string) => reply<T>(await fetch(`${running.url}${path}`)),
    post,
    ingest: (runId, events) => post("/api/ingest", { runId, events }),
    close: async () => {
      await running.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
