import { openSqliteStore, type RunStore } from "@keystroke/store";
import { type CreateServerOptions, createServer, type KeystrokeServer } from "./create-server.js";
import { type HostedProject, hostProject, type ProjectEvents } from "./projects/host-project.js";
import { normalizeAllowedHosts } from "./request-guards/host-names.js";
import { loadHookSecret } from "./workflows/hook-secret.js";

export interface StartServerOptions {
  /** Default 127.0.0.1: reachable from this machine only. */
  host?: string;
  /** Default 3400; 0 picks a free port. */
  port?: number;
  /** The base of hook resume URLs when the server is reached by another name (a proxy, a tunnel). */
  publicUrl?: string;
  /** The SQLite file; the store creates it and its folder when missing. */
  dbPath: string;
  bodyLimitBytes?: number;
  logger?: boolean;
  /** A project folder to host: its agents are served and can be prompted. */
  projectDir?: string;
  /** Reload the project when its files change (what `keystroke dev` does). */
  watch?: boolean;
  projectEvents?: ProjectEvents;
  agents?: CreateServerOptions["agents"];
  /** The OTLP receiver's body cap and overload limit. */
  otlp?: CreateServerOptions["otlp"];
  /** Send this server's runs as OTLP to another backend. */
  otlpExport?: CreateServerOptions["otlpExport"];
  /**
   * Host names served besides loopback ones and `host` itself; on 0.0.0.0 the names clients use
   * (a DNS name, a LAN address, a tunnel's host) must be given here.
   */
  allowedHosts?: readonly string[];
  /** The budgets of requests with a body in flight. */
  inFlight?: CreateServerOptions["inFlight"];
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:3400` */
  url: string;
  server: KeystrokeServer;
  store: RunStore;
  /** The hosted project, when `projectDir` was given. */
  project?: HostedProject;
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
  const listenHost = options.host ?? "127.0.0.1";
  // The address listened on is served too: an IP literal (0.0.0.0 included) is no rebindable name.
  const allowedHosts = [...(options.allowedHosts ?? []), listenHost];
  normalizeAllowedHosts(allowedHosts); // a bad name fails here, before the store is opened
  const store = openSqliteStore(options.dbPath);
  const server = createServer({
    allowedHosts,
    inFlight: options.inFlight,
    store,
    hookSecret: loadHookSecret(options.dbPath),
    publicUrl: options.publicUrl ?? process.env.KEYSTROKE_PUBLIC_URL,
    bodyLimitBytes: options.bodyLimitBytes,
    logger: options.logger,
    agents: options.agents,
    otlp: options.otlp,
    otlpExport: options.otlpExport,
  });
  let project: HostedProject | undefined;
  try {
    if (options.projectDir) {
      project = await hostProject(server, options.projectDir, { watch: options.watch, ...options.projectEvents });
    }
    await server.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 3400 });
  } catch (error) {
    project?.close();
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
    ...(project ? { project } : {}),
    close: async () => {
      project?.close();
      await server.close();
      await store.close();
    },
  };
}
