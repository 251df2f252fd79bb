import { randomBytes } from "node:crypto";
import {
  type IdentityStore,
  PgRunClaims,
  PgScheduler,
  PgTriggerStateStore,
  PostgresRunStore,
  type RunStore,
  type Scheduler,
  SqliteRunStore,
  SqliteScheduler,
  SqliteTriggerStateStore,
  type TriggerStateStore,
} from "@keystroke/store";
import Fastify, { type FastifyInstance } from "fastify";
import type { RunClaims } from "keystroke/runtime";
import { AgentService, type AgentServiceOptions } from "./agents/agent-service.js";
import { agentRoutes } from "./agents/agents.js";
import { authRoutes } from "./auth/auth-routes.js";
import { type AuthInit, AuthService } from "./auth/auth-service.js";
import { organizationRoutes } from "./auth/org-routes.js";
import { scopedStore } from "./auth/scoped-store.js";
import { useAuth } from "./auth/use-auth.js";
import { closeIdleConnectionsOnClose } from "./close-idle-connections.js";
import { type DeployService, useDeploys } from "./deploys/index.js";
import { useErrorHandler } from "./errors/error-handler.js";
import { useJsonBodyParser } from "./errors/json-body-parser.js";
import { eventRoutes } from "./events/events.js";
import { type PgEventRelay, startPgEventRelay } from "./events/pg-event-relay.js";
import { RunEventBus } from "./events/run-event-bus.js";
import { slackRoutes } from "./gateways/slack/slack-routes.js";
import { healthRoutes } from "./health/health.js";
import { historyRoutes } from "./history/history.js";
import { historyLiveRoutes } from "./history/history-live.js";
import { ingestRoutes } from "./ingest/ingest.js";
import { IngestQueue } from "./ingest/ingest-queue.js";
import { openApiRoutes } from "./openapi/openapi.js";
import type { OtlpExportOptions } from "./otlp/export/otlp-exporter.js";
import { useOtlpExport } from "./otlp/export/use-otlp-export.js";
import { wholeEvents } from "./otlp/mapping-thread.js";
import { type OtlpReceiverOptions, otlpRoutes } from "./otlp/otlp-routes.js";
import type { InFlightLimitOptions } from "./request-guards/in-flight-limit.js";
import { useRequestGuards } from "./request-guards/use-request-guards.js";
import { cancelRunRoutes } from "./runs/cancel-run.js";
import type { ServerContext } from "./server-context.js";
import { sessionRoutes } from "./sessions/sessions.js";
import { projectTriggerState, releaseLeasesOnce } from "./triggers/project-trigger-state.js";
import { ProjectTriggers } from "./triggers/project-triggers.js";
import { triggerControlRoutes } from "./triggers/trigger-control-routes.js";
import { TriggerService } from "./triggers/trigger-service.js";
import { webhookRoutes } from "./triggers/webhook-routes.js";
import { serverVersion } from "./version.js";
import { webAppRoutes } from "./web-app/web-app.js";
import { hookRoutes } from "./workflows/hook-routes.js";
import { workflowRoutes } from "./workflows/workflow-routes.js";
import { WorkflowService } from "./workflows/workflow-service.js";

/** The default cap on a request body: 16 MiB. */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

export interface CreateServerOptions {
  store: RunStore;
  /** Larger bodies are refused with 413 `payload_too_large`. Default 16 MiB. */
  bodyLimitBytes?: number;
  /** Log requests with Fastify's logger (pino). Off by default: ingest is a hot path. */
  logger?: boolean;
  /** Reported by `GET /api/health` and the OpenAPI document; defaults to this package's version. */
  version?: string;
  /** Settings of the agent runtime: model retries and the per-call timeout, the environment keys are read from. */
  agents?: Pick<AgentServiceOptions, "env" | "maxRetries" | "stepTimeoutMs">;
  /** The OTLP receiver (`POST /v1/traces`, `/v1/logs`): its body cap and overload limit. */
  otlp?: OtlpReceiverOptions;
  /** Send this server's runs as OTLP (GenAI conventions) to another backend. */
  otlpExport?: OtlpExportOptions;
  /** Where workflow sleeps and hook timeouts are kept; by default the store's own database. */
  scheduler?: Scheduler;
  /**
   * How run executions are shared with other processes on the store. On PostgreSQL by default
   * every replica and worker claims runs from the database under a lease; on SQLite (one server
   * per file) runs execute in this process. `false` keeps them in this process on any store.
   */
  claims?: RunClaims | false;
  /** Signs hook tokens (32 random bytes); keep it across restarts so resume URLs stay valid. */
  hookSecret?: Uint8Array;
  /** The base URL hook resume URLs start with; by default the address the server listens on. */
  publicUrl?: string;
  /** Host names served besides localhost, 127.0.0.0/8 and [::1]; other Host headers get 403. */
  allowedHosts?: readonly string[];
  /** Requests with a body in flight at once (default 256) and their bytes (default 64 MiB); past either, 429. */
  inFlight?: InFlightLimitOptions;
  /**
   * On PostgreSQL, relay committed batches to the other processes on the database and theirs to
   * this bus (LISTEN/NOTIFY), so live streams on any replica see every run. On by default.
   */
  relay?: boolean;
  /**
   * Organizations, users and API keys: every `/api` route then needs a session or a key, and a
   * caller sees only the runs of projects they can access (docs/auth.md). `secret` keeps keys and
   * tokens as HMACs; `init` creates the first organization, Owner and key on an empty server.
   * Without it the server is open (what `dev` and `serve --no-auth` run).
   */
  auth?: { identity: IdentityStore; secret: Uint8Array; init?: AuthInit };
  /** Triggers: where their state is kept (by default the SQLite store's file) and the webhook body cap (1 MiB). */
  triggers?: { state?: TriggerStateStore; webhookBodyLimitBytes?: number };
  /** With auth, where deploy folders are written (by default KEYSTROKE_DEPLOY_DIR, or beside the SQLite file). */
  deployDir?: string;
}

/** A Fastify instance with the Keystroke routes, and `bus`: where ingest publishes committed events. */
export type KeystrokeServer = FastifyInstance & {
  bus: RunEventBus;
  /** The hosted workflows, their runtime and scheduler. */
  workflows: WorkflowService;
  /** The hosted agents: `agents.use(await loadProject(dir))` serves a project. */
  agents: AgentService;
  /** The trigger attachments of the project served from a folder; `triggers.start()` once it is loaded. */
  triggers: TriggerService;
  /** The trigger engines of the projects deployed to this server, one per project. */
  deployedTriggers: ProjectTriggers;
  /** Sign-in and identity, when the server has auth. */
  auth?: AuthService;
  /** `keystroke deploy`: swaps the hosted project for an uploaded one, when the server has auth. */
  deploys?: DeployService;
};

/**
 * Creates the HTTP API over a store, ready to `listen`. The caller owns the store.
 *
 * @example
 * const server = createServer({ store: openSqliteStore(".keystroke/dev.sqlite") });
 * await server.listen({ host: "127.0.0.1", port: 3400 });
 */
export function createServer(options: CreateServerOptions): KeystrokeServer {
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: bodyLimitBytes });
  const bus = new RunEventBus({ onListenerError: (error) => app.log.error({ err: error }, "bus listener failed") });
  const ingest = new IngestQueue(options.store, (result, batch) => {
    // Runs the batch absorbed are gone: their followers hear where their events went.
    for (const gone of result.absorbed ?? []) {
      bus.publish({ runId: gone.runId, events: [], run: gone, movedTo: result.runId });
    }
    // An OTLP span was parsed from its head alone for the store (parseMappedEvent): whole for those who listen.
    const events = bus.wantsEvents(result.runId) ? wholeEvents(result.events, batch) : result.events;
    bus.publish({ runId: result.runId, events, run: result.run });
  });
  const shared = claimsOption(options, (error) => app.log.error({ err: error }, "run claims failed"));
  const agents: AgentService = new AgentService({
    ...options.agents,
    store: options.store,
    ingest,
    ...shared,
    projectOfRun: (runId: string): string | undefined => workflows.runtime.projectOfRun(runId),
  });
  const workflows = new WorkflowService({
    ...options.agents,
    store: options.store,
    ingest,
    scheduler: options.scheduler ?? defaultScheduler(options.store),
    ...shared,
    others: { cancel: (runId) => agents.cancel(runId), orphaned: (runId) => agents.failOrphaned(runId) },
    hookSecret: options.hookSecret ?? randomBytes(32),
    baseUrl: () => options.publicUrl ?? listeningUrl(app),
    onError: (error, runId) => app.log.error({ err: error, runId }, "workflow execution failed"),
  });
  const triggerState = options.triggers?.state ?? defaultTriggerState(options.store);
  const triggerOptions = {
    store: options.store,
    bus,
    agents,
    workflows,
    baseUrl: () => options.publicUrl ?? listeningUrl(app),
    releaseLeases: releaseLeasesOnce(triggerState),
    onError: (error: unknown, id: string) => app.log.error({ err: error, trigger: id }, "trigger delivery failed"),
  };
  const triggers = new TriggerService({ ...triggerOptions, state: triggerState });
  const deployedTriggers = new ProjectTriggers(
    (project) =>
      new TriggerService({
        ...triggerOptions,
        state: projectTriggerState(triggerState, project),
        project,
        webhookPath: `/api/triggers/${project}`,
      }),
  );
  bus.subscribeAll((batch) => workflows.onBatch(batch), { rowsOnly: true });
  const auth = options.auth
    ? new AuthService({ identity: options.auth.identity, secret: options.auth.secret })
    : undefined;
  const context: ServerContext = {
    // With auth, routes read through the caller's scope: other projects' runs do not exist there.
    store: auth ? scopedStore(options.store) : options.store,
    bus,
    ingest,
    agents,
    workflows,
    triggers,
    deployedTriggers,
    version: options.version ?? serverVersion,
    auth: auth !== undefined,
    startedAt: Date.now(),
  };
  closeIdleConnectionsOnClose(app);
  useJsonBodyParser(app);
  useErrorHandler(app, bodyLimitBytes);
  useRequestGuards(app, { allowedHosts: options.allowedHosts, inFlight: options.inFlight }, bodyLimitBytes);
  let deploys: DeployService | undefined;
  if (auth && options.auth) {
    const publicUrl = () => options.publicUrl ?? listeningUrl(app);
    useAuth(app, auth, options.auth.secret, options.store);
    authRoutes(app, auth, publicUrl);
    organizationRoutes(app, auth, publicUrl);
    deploys = useDeploys(app, {
      store: options.store,
      identity: options.auth.identity,
      host: { agents, workflows, deployedTriggers, auth },
      dir: options.deployDir,
    });
  }
  for (const routes of [
    healthRoutes,
    ingestRoutes,
    historyRoutes,
    historyLiveRoutes,
    sessionRoutes,
    agentRoutes,
    cancelRunRoutes,
    eventRoutes,
    slackRoutes,
    workflowRoutes,
    hookRoutes,
    triggerControlRoutes,
    openApiRoutes,
  ]) {
    routes(app, context);
  }
  // The receiver reads back what it held (otlp-routes.ts) for every organization, not as the
  // caller whose request starts it.
  otlpRoutes(app, { ...context, store: options.store }, options.otlp);
  webhookRoutes(app, triggers, deployedTriggers, { bodyLimitBytes: options.triggers?.webhookBodyLimitBytes });
  if (options.otlpExport) useOtlpExport(app, bus, options.otlpExport);
  if (options.store instanceof PostgresRunStore && options.relay !== false) useEventRelay(app, bus, options.store);
  webAppRoutes(app);
  app.addHook("preClose", async () => {
    await triggers.close();
    await deployedTriggers.close();
    await workflows.close();
    await agents.close();
  });
  return Object.assign(app, {
    bus,
    agents,
    workflows,
    triggers,
    deployedTriggers,
    ...(auth ? { auth } : {}),
    ...(deploys ? { deploys } : {}),
  });
}

function defaultScheduler(store: RunStore): Scheduler {
  if (store instanceof SqliteRunStore) return new SqliteScheduler(store.db);
  if (store instanceof PostgresRunStore) return new PgScheduler(store.pool);
  throw new Error("createServer needs a scheduler for a store other than SQLite or PostgreSQL");
}

function defaultTriggerState(store: RunStore): TriggerStateStore {
  if (store instanceof SqliteRunStore) return new SqliteTriggerStateStore(store.db);
  if (store instanceof PostgresRunStore) return new PgTriggerStateStore(store.pool);
  throw new Error("createServer needs options.triggers.state for a store other than SQLite or PostgreSQL");
}

function claimsOption(options: CreateServerOptions, onError: (error: unknown) => void): { claims?: RunClaims } {
  if (options.claims === false) return {};
  if (options.claims) return { claims: options.claims };
  const { store } = options;
  if (!(store instanceof PostgresRunStore)) return {};
  const connectionString = connectionStringOf(store);
  if (!connectionString) return {};
  return { claims: new PgRunClaims(store.pool, { connectionString, schema: store.schema, onError }) };
}

/** The URL the store's pool connects with: the LISTEN connections of the claims and the relay use it too. */
function connectionStringOf(store: PostgresRunStore): string | undefined {
  return (store.pool.options as { connectionString?: string }).connectionString;
}

/** Starts the live event relay when the server gets ready, and stops it after the server closed. */
function useEventRelay(app: FastifyInstance, bus: RunEventBus, store: PostgresRunStore): void {
  let relay: PgEventRelay | undefined;
  app.addHook("onReady", async () => {
    const connectionString = connectionStringOf(store);
    if (!connectionString) return;
    relay = await startPgEventRelay({
      bus,
      store,
      connectionString,
      onError: (error) => app.log.error({ err: error }, "live event relay failed"),
    });
  });
  app.addHook("onClose", async () => {
    await relay?.close();
  });
}

/** `http://host:port` of the address the server listens on (127.0.0.1 for a wildcard address). */
function listeningUrl(app: FastifyInstance): string {
  const address = app.server.address();
  if (typeof address !== "object" || address === null) return "http://127.0.0.1";
  const host = address.address === "0.0.0.0" || address.address === "::" ? "127.0.0.1" : address.address;
  return `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
}
