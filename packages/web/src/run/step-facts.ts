/**
 * How a workflow step reads on its timeline: its kind as a word, how long it ran (or has been
 * running), its status (the run's own while the run sleeps or waits on it), how many attempts it
 * took, a one-line preview of its output and where its child run link goes.
 */
import { isActiveStatus, type RunStatus } from "@keystroke/core";
import type { RunDetail, StoredStep } from "../api/api";
import { formatInline } from "../format/format";

export const stepKindLabels: Record<StoredStep["kind"], string> = {
  step: "Step",
  action: "Action",
  agent: "Agent",
  llm: "Model call",
  workflow: "Workflow",
  sleep: "Sleep",
  hook: "Hook",
};

/** What of its run a step's status and duration depend on. */
export type StepRun = Pick<RunDetail, "status" | "wait" | "finishedAt">;

/**
 * Milliseconds from start to finish; while the step runs, until `now`, or until the run ended
 * when it ended without finishing the step.
 *
 * @example stepDuration({ startedAt: "…:00.000Z", finishedAt: "…:01.500Z" }, run, now) // 1500
 */
export function stepDuration(
  step: Pick<StoredStep, "startedAt" | "finishedAt">,
  run: Pick<StepRun, "finishedAt">,
  now: number,
): number | null {
  const start = Date.parse(step.startedAt);
  const end = Date.parse(step.finishedAt ?? run.finishedAt ?? new Date(now).toISOString());
  if (!Number.isFinite(start) || !Number.isFinite(end)) return null;
  return Math.max(0, end - start);
}

/**
 * The step's status; but the step a run sleeps or waits on shows Sleeping or Waiting on hook,
 * and a step left running when its run ended shows Canceled (it never completed).
 */
export function stepStatus(
  step: Pick<StoredStep, "stepId" | "status">,
  run: Pick<StepRun, "status" | "wait">,
): RunStatus {
  if (step.status !== "running") return step.status;
  if (run.wait?.stepId === step.stepId) return run.wait.kind === "sleep" ? "sleeping" : "waiting_on_hook";
  return isActiveStatus(run.status) ? "running" : "canceled";
}

/**
 * How many tries a step took, shown only past the first: "attempt 2" while it runs, "2 attempts"
 * once it finished.
 */
export function attemptLabel(step: Pick<StoredStep, "attempt" | "status">): string | null {
  if (step.attempt <= 1) return null;
  return step.status === "running" ? `attempt ${step.attempt}` : `${step.attempt} attempts`;
}

/**
 * A value on one line, cut to `max` characters, for a collapsed output.
 *
 * @example previewValue({ orders: 412 }) // '{"orders":412}'
 */
export function previewValue(value: unknown, max = 80): string {
  if (value === undefined || value === null) return "";
  const line = formatInline(value).replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The words of the link to the run a step started: a child workflow, else an agent run. */
export function childRunLabel(kind: StoredStep["kind"]): string {
  return kind === "workflow" ? "Open workflow run →" : "Open agent run →";
}
