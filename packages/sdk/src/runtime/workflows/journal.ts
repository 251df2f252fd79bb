/**
 * A workflow run's journal, read back from its own run events: the input, each step in the order
 * it first started (with its last attempt and outcome), and the values `ctx.now()`/`ctx.random()`
 * returned. There is no second history: replay reads exactly what History shows.
 */
import type { ErrorPayload, RunStatus, StepKind, StoredEvent } from "@keystroke/core";

export interface JournalStep {
  stepId: string;
  name: string;
  kind: StepKind;
  attempt: number;
  status: "running" | "success" | "failed" | "canceled";
  input: unknown;
  output: unknown;
  error: ErrorPayload | undefined;
  childRunId: string | undefined;
}

export interface Journal {
  runId: string;
  /** The project the run was recorded under (its `run.created`). */
  project: string;
  slug: string;
  input: unknown;
  status: RunStatus;
  /** The step a sleeping or waiting run waits on, as its last status change recorded it. */
  waitStepId: string | undefined;
  /** Steps in the order they first started: a step's position is its index here. */
  steps: JournalStep[];
  byId: Map<string, JournalStep>;
  values: Map<string, unknown>;
  finished: boolean;
}

/** Folds a run's events (oldest first) into its journal. */
export function readJournal(events: readonly StoredEvent[]): Journal {
  const first = events[0];
  if (first?.type !== "run.created") throw new Error("A workflow run's first event is run.created");
  const journal: Journal = {
    runId: first.runId,
    project: first.project,
    slug: first.slug,
    input: first.input,
    status: first.status,
    waitStepId: undefined,
    steps: [],
    byId: new Map(),
    values: new Map(),
    finished: false,
  };
  for (const event of events) {
    switch (event.type) {
      case "run.started":
        journal.status = "running";
        break;
      case "run.status_changed":
        journal.status = event.status;
        journal.waitStepId = event.wait?.stepId;
        break;
      case "run.finished":
        journal.status = event.status;
        journal.finished = true;
        break;
      case "step.started": {
        const known = journal.byId.get(event.stepId);
        const step: JournalStep = {
          stepId: event.stepId,
          name: event.name,
          kind: event.kind,
          attempt: event.attempt,
          status: "running",
          input: event.input ?? known?.input,
          output: undefined,
          error: undefined,
          childRunId: event.childRunId ?? known?.childRunId,
        };
        if (known) Object.assign(known, step);
        else {
          journal.steps.push(step);
          journal.byId.set(step.stepId, step);
        }
        break;
      }
      case "step.finished": {
        const step = journal.byId.get(event.stepId);
        if (!step) break;
        step.status = event.status;
        step.attempt = Math.max(step.attempt, event.attempt);
        step.output = event.output;
        step.error = event.error;
        break;
      }
      case "value.recorded":
        journal.values.set(event.key, event.value);
        break;
      default:
        break;
    }
  }
  return journal;
}
