/**
 * `workflows runs get --summary` (and `workflows run --wait` on a terminal): the few facts a
 * person checks first about a workflow run: where it stands, each step with its attempts, what
 * it waits for, and its output or error.
 */
import type { RunDetail, RunStatus, StepKind } from "@keystroke/core";
import type { StoredStep } from "keystroke/client";

/** One step of a workflow run summary. */
export interface WorkflowStepSummary {
  stepId: string;
  name: string;
  kind: StepKind;
  status: StoredStep["status"];
  /** How many times it ran: 1, or more after retries and restarts. */
  attempts: number;
  /** Of its last attempt; null while it runs. */
  durationMs: number | null;
  /** The agent or workflow run the step started. */
  childRunId: string | null;
  /** The error message of a failed step. */
  error: string | null;
}

/** What `--summary` prints for a workflow run. */
export interface WorkflowRunSummary {
  runId: string;
  workflow: string;
  status: RunStatus;
  startedAt: string | null;
  durationMs: number | null;
  steps: WorkflowStepSummary[];
  /** What a sleeping or waiting run waits for (a hook's `resumeUrl` included); null otherwise. */
  wait: RunDetail["wait"];
  output: unknown;
  /** First line of the run's error, when it failed. */
  error: string | null;
}

/** A step's duration from its stored times. */
export function stepDuration(step: Pick<StoredStep, "startedAt" | "finishedAt">): number | null {
  if (step.finishedAt === null) return null;
  return Math.max(0, Date.parse(step.finishedAt) - Date.parse(step.startedAt));
}

/**
 * @example
 * summarizeWorkflowRun(await readFullRun(load, ["steps"]));
 */
export function summarizeWorkflowRun(run: RunDetail & { steps?: StoredStep[] }): WorkflowRunSummary {
  return {
    runId: run.runId,
    workflow: run.slug,
    status: run.status,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    steps: (run.steps ?? []).map((step) => ({
      stepId: step.stepId,
      name: step.name,
      kind: step.kind,
      status: step.status,
      attempts: step.attempt,
      durationMs: stepDuration(step),
      childRunId: step.childRunId,
      error: step.error?.message ?? null,
    })),
    wait: run.wait,
    output: run.output ?? null,
    error: run.errorSummary ?? run.error?.message ?? null,
  };
}
