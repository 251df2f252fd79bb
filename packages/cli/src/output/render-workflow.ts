/**
 * Workflows on a terminal: the list with what each takes, a run's summary (steps, the wait,
 * output or error), and the line `workflows run --wait` prints as each step finishes.
 */
import type { RunDetail, StepKind } from "@keystroke/core";
import type { StoredStep, WorkflowInfo } from "keystroke/client";
import type { FullRun } from "../runs/read-full-run.js";
import type { WorkflowRunSummary } from "../runs/workflow-summary.js";
import { formatDuration, formatTime, statusLabel } from "./format-values.js";
import { renderRun } from "./render-run.js";
import { renderFields, renderTable } from "./render-table.js";

/** `keystroke workflows list` on a terminal. */
export function renderWorkflowTable(workflows: readonly WorkflowInfo[]): string {
  if (workflows.length === 0) {
    return "No workflows: the server hosts no project, or its project has none under src/workflows.";
  }
  return renderTable<WorkflowInfo>(
    [
      { label: "Slug", cell: (w) => w.slug },
      { label: "Name", cell: (w) => w.name },
      { label: "Input", cell: (w) => inputFields(w.input) },
      { label: "Retries", cell: (w) => String(w.retries), align: "right" },
      { label: "Concurrency", cell: (w) => (w.concurrency === null ? "—" : String(w.concurrency)), align: "right" },
    ],
    workflows,
  );
}

/** `orderId, note?` from an object JSON Schema; the type otherwise. */
function inputFields(schema: Record<string, unknown>): string {
  const properties = schema.properties;
  if (properties === null || typeof properties !== "object") return typeof schema.type === "string" ? schema.type : "—";
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const names = Object.keys(properties).map((name) => (required.has(name) ? name : `${name}?`));
  return names.length > 0 ? names.join(", ") : "{}";
}

/** `Sleeping until 2026-11-28 10:00:03` or `Waiting on hook approval (expires …)`; "—" when not waiting. */
export function describeWait(wait: RunDetail["wait"]): string {
  if (wait === null) return "—";
  if (wait.kind === "sleep") return `Sleeping in ${wait.stepId} until ${formatTime(wait.until)}`;
  return `Waiting on hook ${wait.stepId}${wait.expiresAt ? ` (expires ${formatTime(wait.expiresAt)})` : ""}`;
}

/** What a sleeping or waiting run waits for, as `label: value` fields; none when it does not wait. */
export function waitFields(wait: RunDetail["wait"]): [string, string][] {
  if (wait === null) return [];
  if (wait.kind === "sleep") return [["Sleeping until", `${formatTime(wait.until)} (step ${wait.stepId})`]];
  const fields: [string, string][] = [
    ["Hook", wait.stepId],
    ["Hook expires", wait.expiresAt === null ? "never" : formatTime(wait.expiresAt)],
  ];
  if (wait.resumeUrl) fields.push(["Resume URL", wait.resumeUrl]);
  return fields;
}

/** `(action)` after a step's name; nothing for a plain step, or when the name says it already (`sleep`). */
export function stepKindSuffix(name: string, kind: StepKind): string | undefined {
  return kind === "step" || kind === name ? undefined : `(${kind})`;
}

/** A finished step as `--wait` prints it: `charge-card  (action)  Failed  80ms  attempt 2: card declined`. */
export function describeFinishedStep(step: {
  name: string;
  kind: StepKind;
  status: StoredStep["status"];
  durationMs: number | null;
  attempt: number;
  error?: string | null | undefined;
}): string {
  const parts = [step.name, stepKindSuffix(step.name, step.kind), statusLabel(step.status)];
  parts.push(formatDuration(step.durationMs));
  if (step.attempt > 1) parts.push(`attempt ${step.attempt}`);
  const line = parts.filter((p) => p !== undefined).join("  ");
  return step.error ? `${line}: ${step.error}` : line;
}

/** `workflows runs get --summary` and `workflows run --wait` on a terminal. */
export function renderWorkflowSummary(summary: WorkflowRunSummary): string {
  const fields: [string, string][] = [
    ["Workflow", summary.workflow],
    ["Run ID", summary.runId],
    ["Status", statusLabel(summary.status)],
    ["Start time", formatTime(summary.startedAt)],
    ["Duration", formatDuration(summary.durationMs)],
    ...waitFields(summary.wait),
  ];
  if (summary.error !== null) fields.push(["Error", summary.error]);
  else if (summary.status === "success") fields.push(["Output", JSON.stringify(summary.output) ?? "—"]);
  const steps =
    summary.steps.length === 0
      ? "Steps: none recorded"
      : `Steps: ${summary.steps.length}\n${summary.steps
          .map((s) => indent(describeFinishedStep({ ...s, attempt: s.attempts })))
          .join("\n")}`;
  return `${renderFields(fields)}\n\n${steps}`;
}

/**
 * `workflows runs get` on a terminal: the run as `history get` shows it, then what it waits for,
 * its output, and with `trigger` where it came from (source, trigger, raw value, actor, input).
 */
export function renderWorkflowRun(run: FullRun, options: { trigger?: boolean } = {}): string {
  const sections = [renderRun(run)];
  if (run.wait !== null) sections.push(`Waiting\n${indent(renderFields(waitFields(run.wait)))}`);
  if (run.status === "success") sections.push(`Output\n${indent(JSON.stringify(run.output, null, 2) ?? "—")}`);
  if (options.trigger) {
    const actor = `${run.actor.type} ${run.actor.id}`;
    const trigger = renderFields([
      ["Source", run.source],
      ["Trigger", run.trigger],
      ["Value", JSON.stringify(run.triggerValue) ?? "—"],
      ["Actor", run.actor.name ? `${run.actor.name} (${actor})` : actor],
      ["Input", JSON.stringify(run.input) ?? "—"],
    ]);
    sections.push(`Trigger\n${indent(trigger)}`);
  }
  return sections.join("\n\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
