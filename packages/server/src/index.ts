/**
 * @keystroke/server: the HTTP API over a RunStore (createServer, or startServer over a SQLite
 * file), the live event bus its ingest publishes to, and the shapes of its answers.
 */

export type { IngestReply } from "@keystroke/core";
export type { AgentService, PromptOrigin } from "./agents/agent-service.js";
export type { AuthInit } from "./auth/auth-service.js";
export {
  type CreateServerOptions,
  createServer,
  DEFAULT_BODY_LIMIT_BYTES,
  type KeystrokeServer,
} from "./create-server.js";
export {
  type BatchListener,
  type PublishedBatch,
  RunEventBus,
  type RunEventBusOptions,
} from "./events/run-event-bus.js";
export { buildOpenApiDocument } from "./openapi/openapi-document.js";
export { type OtlpExportOptions, parseHeaders as parseOtlpHeaders } from "./otlp/export/otlp-exporter.js";
export {
  DEFAULT_OTLP_MAX_BODY_BYTES,
  DEFAULT_OTLP_MAX_IN_FLIGHT,
  type OtlpReceiverOptions,
} from "./otlp/otlp-routes.js";
export { type HostedProject, hostProject, type ProjectEvents } from "./projects/host-project.js";
export { CONFIG_FILE, type LoadedProject, loadProject } from "./projects/load-project.js";
export type { RunViewReply } from "./run-view/run-view-reply.js";
export { type RunningServer, type StartServerOptions, startServer } from "./start-server.js";
