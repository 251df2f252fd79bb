/**
 * The shapes the Keystroke HTTP API answers with (docs/http-api.md), built from core's read model.
 */
import type { PageRequest, RunSummary } from "@keystroke/core";

export type { Page, PageRequest, RunPage, StoredLog, StoredMessage, StoredStep } from "@keystroke/core";

/** `GET /api/health`. */
export interface Health {
  status: "ok";
  version: string;
  store: string;
  uptimeMs: number;
}

/** `POST /api/ingest`: how the batch was taken, after commit. */
export interface IngestResult {
  runId: string;
  /** Events newly stored. */
  accepted: number;
  /** Events skipped because their eventId was already stored. */
  duplicates: number;
  /** Sequence number of the run's last stored event. */
  lastSeq: number;
}

/** `GET /api/agents/:slug/sessions`. */
export interface SessionPage {
  sessions: RunSummary[];
  nextCursor: string | null;
}

/** `GET /api/history/:runId` and `GET /api/agents/:slug/sessions/:sessionId`. */
export type { RunViewReply as RunView } from "@keystroke/core";

/**
 * What a detail request pages in beside the run. `true` asks for the first page with the
 * server's default size; a PageRequest picks the page.
 *
 * @example
 * { messages: true, trace: { spans: { limit: 500 } } }
 */
export interface RunInclude {
  messages?: true | PageRequest;
  trace?: true | { spans?: PageRequest; logs?: PageRequest };
  steps?: true | PageRequest;
}

/** One agent of `GET /api/agents`. */
export interface AgentInfo {
  slug: string;
  name: string;
  description: string;
  model: string;
  thinkingLevel: string;
  maxSteps: number;
  tools: { slug: string; name: string; kind: "action" | "agent" }[];
}

/** `GET /api/agents`: the agents of the project the server hosts. */
export interface AgentList {
  project: string | null;
  agents: AgentInfo[];
}

export type { PromptResult } from "../agent/define-agent.js";
