import type { RunStore } from "@keystroke/store";
import Fastify, { type FastifyInstance } from "fastify";
import { AgentService, type AgentServiceOptions } from "./agents/agent-service.js";
import { agentRoutes } from "./agents/agents.js";
import { closeIdleConnectionsOnClose } from "./close-idle-connections.js";
import { useErrorHandler } from "./errors/error-handler.js";
import { useJsonBodyParser } from "./errors/json-body-parser.js";
import { eventRoutes } from "./events/events.js";
import { RunEventBus } from "./events/run-event-bus.js";
import { healthRoutes } from "./health/health.js";
import { historyRoutes } from "./history/history.js";
import { historyLiveRoutes } from "./history/history-live.js";
import { ingestRoutes } from "./ingest/ingest.js";
import { IngestQueue } from "./ingest/ingest-queue.js";
import { openApiRoutes } from "./openapi/openapi.js";
import type { OtlpExportOptions } from "./otlp/export/otlp-exporter.js";
import { useOtlpExport } from "./otlp/export/use-otlp-export.js";
import { type OtlpReceiverOptions, otlpRoutes } from "./otlp/otlp-routes.js";
import { cancelRunRoutes } from "./runs/cancel-run.js";
import type { ServerContext } from "./server-context.js";
import { sessionRoutes } from "./sessions/sessions.js";
import { serverVersion } from "./version.js";
import { webAppRoutes } from "./web-app/web-app.js";

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
}

/** A Fastify instance with the Keystroke routes, and `bus`: where ingest publishes committed events. */
export type KeystrokeServer = FastifyInstance & {
  bus: RunEventBus;
  /** The hosted agents: `agents.use(await loadProject(dir))` serves a project. */
  agents: AgentService;
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
  const ingest = new IngestQueue(options.store, (result) =>
    bus.publish({ runId: result.runId, events: result.events, run: result.run }),
  );
  const agents = new AgentService({ ...options.agents, store: options.store, ingest });
  const context: ServerContext = {
    store: options.store,
    bus,
    ingest,
    agents,
    version: options.version ?? serverVersion,
    startedAt: Date.now(),
  };
  closeIdleConnectionsOnClose(app);
  useJsonBodyParser(app);
  useErrorHandler(app, bodyLimitBytes);
  for (const routes of [
    healthRoutes,
    ingestRoutes,
    historyRoutes,
    historyLiveRoutes,
    sessionRoutes,
    agentRoutes,
    cancelRunRoutes,
    eventRoutes,
    openApiRoutes,
  ]) {
    routes(app, context);
  }
  otlpRoutes(app, context, options.otlp);
  if (options.otlpExport) useOtlpExport(app, bus, options.otlpExport);
  webAppRoutes(app);
  app.addHook("preClose", async () => agents.close());
  return Object.assign(app, { bus, agents });
}
