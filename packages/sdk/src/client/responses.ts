/**
 * The shapes the Keystroke HTTP API answers with (docs/http-api.md). They mirror the store's
 * read types, restated here because the published `keystroke` package depends on core only.
 */
import type { ErrorPayload, Log, Message, RunDetail, RunSummary, Span } from "@keystroke/core";

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

/** One page of a paged list; pass `nextCursor` back for the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Which page of a paged list to read. */
export interface PageRequest {
  cursor?: string | undefined;
  /** 1–1000; the server's default when absent. */
  limit?: number | undefined;
}

/** `GET /api/history`. */
export interface RunPage {
  runs: RunSummary[];
  nextCursor: string | null;
}

/** `GET /api/agents/:slug/sessions`. */
export interface SessionPage {
  sessions: RunSummary[];
  nextCursor: string | null;
}

/** A message as recorded: its position in the conversation and when it was added. */
export interface StoredMessage extends Message {
  runId: string;
  index: number;
  time: string;
}

/** A log record as recorded, with its position among the run's logs. */
export interface StoredLog extends Log {
  runId: string;
  index: number;
}

/** A workflow step as recorded. */
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

/** `GET /api/history/:runId` and `GET /api/agents/:slug/sessions/:sessionId`. */
export interface RunView {
  run: RunDetail;
  messages?: Page<StoredMessage>;
  trace?: { spans: Page<Span>; logs: Page<StoredLog> };
  steps?: Page<StoredStep>;
}

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
