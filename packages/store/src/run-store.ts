/**
 * RunStore: where run events are appended and History, conversations and traces are read.
 * SQLite (embedded default) and PostgreSQL implement it; both pass ./conformance.
 */
import type {
  IngestBatch,
  KeystrokeError,
  Page,
  PageRequest,
  RunDetail,
  RunFilter,
  RunPage,
  RunStatus,
  RunSummary,
  Span,
  StoredEvent,
  StoredLog,
  StoredMessage,
  StoredStep,
} from "@keystroke/core";

export type { Page, PageRequest, RunPage, StoredLog, StoredMessage, StoredStep } from "@keystroke/core";

/** What getRun should page in beside the run; each part is left out when not asked for. */
export interface RunInclude {
  messages?: PageRequest;
  spans?: PageRequest;
  logs?: PageRequest;
  steps?: PageRequest;
}

/** A run as the store reads it: its detail, and each part asked for with RunInclude as a page. */
export interface StoredRunView {
  run: RunDetail;
  messages?: Page<StoredMessage>;
  spans?: Page<Span>;
  logs?: Page<StoredLog>;
  steps?: Page<StoredStep>;
}

export interface AppendResult {
  runId: string;
  /** The events newly stored, with their sequence numbers, in order. */
  events: StoredEvent[];
  /** Events skipped because their eventId was already stored. */
  duplicates: number;
  /** The History row after the batch. */
  run: RunSummary;
  /**
   * Runs this batch absorbed (`run.absorbed`): their events now belong to this run and they are
   * gone from History. Each is its last History row before it went.
   */
  absorbed?: RunSummary[];
}

/** The outcome of one batch of `appendEach`: its result, or why it alone was refused. */
export type AppendOutcome = { ok: true; result: AppendResult } | { ok: false; error: KeystrokeError };

export interface SessionKey {
  slug: string;
  sessionId: string;
  /** Narrows to one project when several have a session with this id. */
  project?: string | undefined;
}

export interface RunStore {
  /**
   * Appends batches in one transaction: events, projections and the History row. Events whose
   * eventId is already stored are skipped. Resolves only after the commit.
   */
  append(batches: readonly IngestBatch[]): Promise<AppendResult[]>;
  /**
   * Appends independent batches in one commit (group commit), each atomic on its own: a batch
   * that is refused leaves no trace and does not stop the others.
   */
  appendEach(batches: readonly IngestBatch[]): Promise<AppendOutcome[]>;
  /** History: summary rows newest first (trigger time, then run id), keyset-paged. */
  listRuns(filter: RunFilter, page?: PageRequest): Promise<RunPage>;
  getRun(runId: string, include?: RunInclude): Promise<StoredRunView | undefined>;
  /** Events of a run with seq > afterSeq, oldest first. */
  readEvents(runId: string, afterSeq: number, limit?: number): Promise<StoredEvent[]>;
  /** Sessions of an agent: its agent runs, newest first. */
  listSessions(
    slug: string,
    filter?: { status?: RunStatus[]; project?: string[] },
    page?: PageRequest,
  ): Promise<RunPage>;
  getSession(key: SessionKey, include?: RunInclude): Promise<StoredRunView | undefined>;
  close(): Promise<void>;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 1000;

export function pageLimit(limit: number | undefined, fallback = DEFAULT_PAGE): number {
  if (limit === undefined) return fallback;
  return Math.max(1, Math.min(MAX_PAGE, Math.floor(limit)));
}
