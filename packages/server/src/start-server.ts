import { openSqliteStore, type RunStore } from "@keystroke/store";
import { createServer, type KeystrokeServer } from "./create-server.js";

export interface StartServerOptions {
  /** Default 127.0.0.1: reachable from this machine only. */
  host?: string;
  /** Default 3400; 0 picks a free port. */
  port?: number;
  /** The SQLite file; the store creates it and its folder when missing. */
  dbPath: string;
  bodyLimitBytes?: number;
  logger?: boolean;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:3400` */
  url: string;
  server: KeystrokeServer;
  store: RunStore;
  /** Stops accepting requests, ends open event streams, then closes the store. */
  close(): Promise<void>;
}

/**
 * Opens the SQLite store at `dbPath`, serves the HTTP API over it and resolves once listening.
 *
 * @example
 * const { url, close } = await startServer({ dbPath: ".keystroke/dev.sqlite" });
 * console.log(`Keystroke at ${url}`);
 * await close();
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const store = openSqliteStore(options.dbPath);
  const server = createServer({ store, bodyLimitBytes: options.bodyLimitBytes, logger: options.logger });
  try {
    await server.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 3400 });
  } catch (error) {
    await server.close();
    await store.close();
    throw error;
  }
  const address = server.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const host = options.host ?? "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    url,
    server,
    store,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}
