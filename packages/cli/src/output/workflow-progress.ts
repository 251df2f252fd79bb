/**
 * What `workflows run --wait` shows on a terminal while it follows a run: a progress line with
 * what the run does now (queued, a step, sleeping until…, waiting on a hook), and a line that
 * stays for each step that finished (name, kind, status, duration, attempt when > 1, error).
 */
import type { StepKind, StoredEvent } from "@keystroke/core";
import { statusLabel } from "./format-values.js";
import { describeFinishedStep, describeWait, stepKindSuffix } from "./render-workflow.js";

/** What `--wait` shows on a terminal as a workflow run's events arrive. */
export interface WorkflowProgress {
  /** The progress line: what the run is doing now. */
  activity?: string;
  /** A line that stays: a step that finished. */
  finished?: string;
}

/**
 * Reads a run's events in order and says what to show for each.
 *
 * @example
 * const describe = workflowProgress("fulfil-order");
 * describe(event); // → { activity: "fulfil-order: charge-card (action)…" }
 */
export function workflowProgress(slug: string): (event: StoredEvent) => WorkflowProgress {
  const steps = new Map<string, { name: string; kind: StepKind; time: string }>();
  return (event) => {
    switch (event.type) {
      case "run.created":
        return { activity: `${slug}: queued…` };
      case "run.started":
        return { activity: `${slug}: running…` };
      case "step.started": {
        steps.set(event.stepId, { name: event.name, kind: event.kind, time: event.time });
        const suffix = stepKindSuffix(event.name, event.kind);
        const kind = suffix ? ` ${suffix}` : "";
        const attempt = event.attempt > 1 ? `, attempt ${event.attempt}` : "";
        return { activity: `${slug}: ${event.name}${kind}${attempt}…` };
      }
      case "step.finished": {
        const step = steps.get(event.stepId) ?? { name: event.stepId, kind: "step" as const, time: event.time };
        const line = describeFinishedStep({
          name: step.name,
          kind: step.kind,
          status: event.status,
          durationMs: Math.max(0, Date.parse(event.time) - Date.parse(step.time)),
          attempt: event.attempt,
          error: event.error?.message,
        });
        return { finished: line, activity: `${slug}: running…` };
      }
      case "run.status_changed":
        if (event.wait) return { activity: `${slug}: ${describeWait(event.wait)}` };
        return { activity: `${slug}: ${statusLabel(event.status).toLowerCase()}…` };
      default:
        return {};
    }
  };
}
