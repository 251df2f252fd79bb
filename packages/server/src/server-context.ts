import type { RunStore } from "@keystroke/store";
import type { AgentService } from "./agents/agent-service.js";
import type { RunEventBus } from "./events/run-event-bus.js";
import type { IngestQueue } from "./ingest/ingest-queue.js";
import type { ProjectTriggers } from "./triggers/project-triggers.js";
import type { TriggerService } from "./triggers/trigger-service.js";
import type { WorkflowService } from "./workflows/workflow-service.js";

/** What every route of the server reads from: the store, the live bus and facts about itself. */
export interface ServerContext {
  store: RunStore;
  bus: RunEventBus;
  /** The one write path: appends a batch (group commit), publishes it on `bus`, resolves after commit. */
  ingest: IngestQueue;
  /** The agents of the projects this server hosts (none until one is loaded). */
  agents: AgentService;
  /** The workflows of the hosted projects, their runtime and scheduler. */
  workflows: WorkflowService;
  /** The trigger attachments of the project served from a folder: their clock, deliveries and state. */
  triggers: TriggerService;
  /** The trigger engines of the projects deployed to the server. */
  deployedTriggers: ProjectTriggers;
  version: string;
  /** Whether the server has sign-in (organizations, users, API keys). */
  auth: boolean;
  /** Epoch milliseconds at which the server was created. */
  startedAt: number;
}
