/**
 * The read model of a run as the store and the API hand it out: pages of a run's conversation,
 * logs and workflow steps. Shared by the store, the server and the HTTP client.
 */
import type { ErrorPayload, Message } from "../events/parts.js";
import type { Log, Span } from "../events/telemetry.js";
import type { RunDetail, RunSummary } from "./run-summary.js";

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; null on the last page. */
  nextCursor: string | null;
}

export interface PageRequest {
  cursor?: string | undefined;
  limit?: number | undefined;
}

export interface RunPage {
  runs: RunSummary[];
  nextCursor: string | null;
}

/** A message as recorded: its position in the conversation and when it was added. */
export interface StoredMessage extends Message {
  runId: string;
  /** 0-based position in the conversation. */
  index: number;
  time: string;
}

export interface StoredLog extends Log {
  runId: string;
  /** 0-based position among the run's logs. */
  index: number;
}

export interface StoredStep {
  runId: string;
  stepId: string;
  name: string;
  status: "running" | "success" | "failed" | "canceled";
  startedAt: string;
  finishedAt: string | null;
  input: unknown;
  output: unknown;
  error: ErrorPayload | null;
}

/**
 * A run's detail as the API answers it (`GET /api/history/:runId`, a session): the run, then each
 * part asked for with `include` as pages.
 */
export interface RunViewReply {
  run: RunDetail;
  messages?: Page<StoredMessage>;
  trace?: { spans: Page<Span>; logs: Page<StoredLog> };
  steps?: Page<StoredStep>;
}
