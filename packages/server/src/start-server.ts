import { KeystrokeError } from "@keystroke/core";
import {
  type DeployRecord,
  describeTarget,
  type IdentityStore,
  loadSharedSecret,
  openStore,
  PgIdentityStore,
  PostgresRunStore,
  type RunStore,
  SqliteIdentityStore,
  SqliteRunStore,
} from "@keystroke/store";
import type { AuthInit } from "./auth/auth-service.js";
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
  /** The SQLite file; the store creates it and its folder when missing. Ignored with `databaseUrl`. */
  dbPath?: string;
  /**
   * A PostgreSQL database (`postgres://…`) shared by replicas and workers: runs execute on
   * whichever process claims them, live events reach every replica, cron ticks fire once.
   */
  databaseUrl?: string;
  /** Serve HTTP (default). A worker (`false`) only executes runs, fires triggers and wakes sleepers. */
  listen?: boolean;
  /**
   * Organizations, users and API keys (docs/auth.md): every `/api` route needs a session or a key.
   * `init` creates the first organization, its Owner and a key on an empty server; without it an
   * empty server answers `setupUrl`. Off when absent.
   */
  auth?: { init?: AuthInit };
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
  /** Where deploy folders are written (else KEYSTROKE_DEPLOY_DIR, else beside the store). */
  deployDir?: string;
  /** Hears of each deploy made through another process that this one took up, or could not load. */
  onDeploy?: (taken: { deploy: DeployRecord } | { deployId: string; error: unknown }) => void;
  /** The budgets of requests with a body in flight. */
  inFlight?: CreateServerOptions["inFlight"];
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:3400`; a worker's is its public URL (or empty). */
  url: string;
  /** Where the store is, for the console: a file path, or host:port/database without a password. */
  database: string;
  /** With auth on an empty server and no `init`: the one-time link that creates the first organization. */
  setupUrl?: string;
  server: KeystrokeServer;
  store: RunStore;
  /** The hosted project, when `projectDir` was given. */
  project?: HostedProject;
  /** On a server with auth: the live deploy of each project, hosted at start. */
  deploys: DeployRecord[];
  /** The live deploys that did not load at start, and why (their projects are not served here). */
  deployErrors: { deployId?: string; error: unknown }[];
  /** Stops accepting requests, ends open event streams, then closes the store. */
  close(): Promise<void>;
}

/**
 * Opens the store (the SQLite file at `dbPath`, or the PostgreSQL database at `databaseUrl`),
 * serves the HTTP API over it and resolves once listening.
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
  const location = options.databaseUrl ?? options.dbPath;
  if (!location) throw new Error("startServer needs dbPath or databaseUrl");
  const store = await openStore(location);
  const shared = store instanceof PostgresRunStore;
  let hookSecret: Uint8Array;
  try {
    // Replicas must sign hook URLs alike: on PostgreSQL the secret lives in the database.
    hookSecret =
      shared && !process.env.KEYSTROKE_SECRET
        ? await loadSharedSecret(store.pool, "hook_secret")
        : loadHookSecret(shared ? ":memory:" : location);
  } catch (error) {
    await store.close();
    throw error;
  }
  const server = createServer({
    allowedHosts,
    ...(options.deployDir ? { deployDir: options.deployDir } : {}),
    inFlight: options.inFlight,
    store,
    hookSecret,
    ...(options.auth
      ? {
          auth: {
            identity: identityOf(store),
            secret: hookSecret,
            ...(options.auth.init ? { init: options.auth.init } : {}),
          },
        }
      : {}),
    publicUrl: options.publicUrl ?? process.env.KEYSTROKE_PUBLIC_URL,
    bodyLimitBytes: options.bodyLimitBytes,
    logger: options.logger,
    agents: options.agents,
    otlp: options.otlp,
    otlpExport: options.otlpExport,
  });
  let project: HostedProject | undefined;
  const listen = options.listen ?? true;
  let setupToken: string | undefined;
  let deploys: DeployRecord[] = [];
  let deployErrors: { deployId?: string; error: unknown }[] = [];
  try {
    // Ready first: on PostgreSQL that starts the live event relay before the project's runs resume.
    await server.ready();
    if (server.auth) setupToken = (await server.auth.firstStart(options.auth?.init)).setupToken;
    if (options.projectDir) {
      project = await hostProject(server, options.projectDir, { watch: options.watch, ...options.projectEvents });
    }
    if (server.deploys) {
      // A restarted replica serves what was deployed; a project whose deploy does not load is not served, and says why.
      const restored = await server.deploys.restore().catch((error: unknown) => ({
        hosted: [],
        failed: [{ error }],
      }));
      deploys = restored.hosted;
      deployErrors = restored.failed;
      for (const { deployId, error } of deployErrors) {
        server.log.error({ err: error, deployId }, "a live deploy did not load");
      }
      // Deploys made through the other replicas (or this one, restarted meanwhile) are taken up here too.
      const log = server.log;
      server.deploys.follow({
        everyMs: followInterval(process.env.KEYSTROKE_DEPLOY_FOLLOW_MS),
        onSwap: (taken) => {
          log.info({ deployId: taken.deployId, hash: taken.hash }, "serving a new deploy");
          options.onDeploy?.({ deploy: taken });
        },
        onError: (error, deployId) => {
          log.error(
            { err: error, deployId },
            deployId ? "a new deploy did not load" : "looking for new deploys failed",
          );
          if (deployId) options.onDeploy?.({ deployId, error });
        },
      });
    }
    if (listen) await server.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 3400 });
  } catch (error) {
    project?.close();
    await server.close();
    await store.close();
    throw error;
  }
  const address = server.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const host = options.host ?? "127.0.0.1";
  const url = listen
    ? `http://${host.includes(":") ? `[${host}]` : host}:${port}`
    : (options.publicUrl ?? process.env.KEYSTROKE_PUBLIC_URL ?? "");
  return {
    url,
    database: options.databaseUrl ? describeTarget(options.databaseUrl) : location,
    ...(setupToken
      ? { setupUrl: `${options.publicUrl ?? process.env.KEYSTROKE_PUBLIC_URL ?? url}/setup#${setupToken}` }
      : {}),
    server,
    store,
    ...(project ? { project } : {}),
    deploys,
    deployErrors,
    close: async () => {
      project?.close();
      await server.close();
      await store.close();
    },
  };
}

/** KEYSTROKE_DEPLOY_FOLLOW_MS as a positive number of milliseconds; the default when unset. */
function followInterval(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 10) {
    throw new KeystrokeError(
      "invalid_input",
      `KEYSTROKE_DEPLOY_FOLLOW_MS: expected milliseconds (10 or more), got "${value}"`,
    );
  }
  return ms;
}

/** Where the store keeps users, organizations and keys: beside its runs. */
function identityOf(store: RunStore): IdentityStore {
  if (store instanceof PostgresRunStore) return new PgIdentityStore(store.pool);
  if (store instanceof SqliteRunStore) return new SqliteIdentityStore(store.db);
  throw new Error("auth needs the SQLite or the PostgreSQL store");
}
