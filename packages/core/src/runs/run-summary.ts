import type { RunStatus } from "../catalog/statuses.js";
import type { ErrorPayload } from "../events/parts.js";
import type { Actor, RunKind, RunSource } from "../events/run-events.js";

export interface TokenTotals {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

/**
 * The History row of a run, folded from its events at append time. Times are ISO strings;
 * `durationMs` is set once the run has started and finished.
 */
export interface RunSummary {
  runId: string;
  kind: RunKind;
  slug: string;
  name: string;
  status: RunStatus;
  project: string;
  sessionId: string | null;
  source: RunSource;
  /** The readable trigger label, e.g. "CLI prompt" or "Slack thread". */
  trigger: string;
  /** The raw trigger value: the command, the webhook payload, the cron expression… */
  triggerValue: unknown;
  actor: Actor;
  parentRunId: string | null;
  parentToolCallId: string | null;
  parentStepId: string | null;
  triggeredAt: string;
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  models: string[];
  services: string[];
  tokens: TokenTotals;
  totalCost: number;
  messageCount: number;
  stepCount: number;
  /** First line of the error of a failed run, for the table. */
  errorSummary: string | null;
  /** Sequence number of the last event folded in. */
  lastSeq: number;
  updatedAt: string;
}

/** What the detail view adds to the row: payloads and links that are too big for the list. */
export interface RunDetail extends RunSummary {
  input: unknown;
  output: unknown;
  error: ErrorPayload | null;
  childRunIds: string[];
}

export const emptyTokens = (): TokenTotals => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 });
