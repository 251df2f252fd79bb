import { statusCatalog } from "@keystroke/core";
import type { RunDetail } from "../api/api";
import { formatCost, formatCount, formatDuration } from "../format/format";
import { runDuration } from "../history/history-cells";
import "./run-summary-card.css";

/** The run at a glance: status, duration, models, tokens, cost, and the parent it came from. */
export function RunSummaryCard({
  run,
  now,
  onOpenRun,
}: {
  run: RunDetail;
  now: number;
  onOpenRun(runId: string): void;
}) {
  const tokens = run.tokens.input + run.tokens.output;
  const facts: [string, string][] = [
    ["Status", statusCatalog[run.status].label],
    ["Duration", formatDuration(runDuration(run, now))],
    ["Models", run.models.length === 0 ? "—" : run.models.join(", ")],
    ["Tokens", tokens === 0 ? "—" : `${formatCount(run.tokens.input)} in · ${formatCount(run.tokens.output)} out`],
    ["Cost", formatCost(run.totalCost)],
    [run.kind === "agent" ? "Messages" : "Steps", formatCount(run.kind === "agent" ? run.messageCount : run.stepCount)],
  ];
  return (
    <section className="summary" aria-label="Summary">
      <dl className="facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd className="num" title={value}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {run.parentRunId && (
        <p className="parent-link">
          Started by{" "}
          <button type="button" className="link" onClick={() => onOpenRun(run.parentRunId as string)}>
            its parent run →
          </button>
        </p>
      )}
      {run.childRunIds.length > 0 && (
        <p className="muted small">
          {run.childRunIds.length} child {run.childRunIds.length === 1 ? "run" : "runs"}:{" "}
          {run.childRunIds.map((id) => (
            <button key={id} type="button" className="link mono" onClick={() => onOpenRun(id)}>
              {id.slice(-8)}
            </button>
          ))}
        </p>
      )}
    </section>
  );
}
