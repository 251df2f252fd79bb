import type { ReactNode } from "react";
import type { RunDetail } from "../api/api";
import { formatCost, formatFullTime, formatRelative } from "../format/format";
import { CopyableId } from "../ui/copy-button";
import { StatusBadge } from "../ui/status-badge";
import { JsonBlock } from "./json-block";
import "./metadata-tab.css";

const actorTypes: Record<string, string> = {
  user: "User",
  api_key: "API key",
  trigger: "Trigger",
  gateway_user: "Gateway user",
  workflow: "Workflow",
  agent: "Agent",
  system: "System",
};

function Time({ iso }: { iso: string | null }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <>
      <span className="num">{formatFullTime(iso)}</span> <span className="muted small">{formatRelative(iso)}</span>
    </>
  );
}

const none = <span className="muted">—</span>;

/** Metadata: every fact of the run, ids copyable, the trigger as its label and its raw value. */
export function MetadataTab({ run }: { run: RunDetail }) {
  const rows: [string, ReactNode][] = [
    ["Status", <StatusBadge key="s" status={run.status} />],
    ["Trigger time", <Time key="t" iso={run.triggeredAt} />],
    ["Queue time", <Time key="q" iso={run.queuedAt} />],
    ["Started", <Time key="s" iso={run.startedAt} />],
    ["Finished", <Time key="f" iso={run.finishedAt} />],
    ["Run ID", <CopyableId key="r" value={run.runId} />],
    ["Session ID", run.sessionId ? <CopyableId key="ses" value={run.sessionId} /> : none],
    ["Type", run.kind === "agent" ? `Agent · ${run.slug}` : `Workflow · ${run.slug}`],
    [
      "Actor",
      `${actorTypes[run.actor.type] ?? run.actor.type}: ${run.actor.name ? `${run.actor.name} (${run.actor.id})` : run.actor.id}`,
    ],
    ["Project", run.project],
    ["Models", run.models.length > 0 ? run.models.join(", ") : none],
    ["Services", run.services.length > 0 ? run.services.join(", ") : none],
    [
      "Total cost",
      <span key="c" className="num">
        {formatCost(run.totalCost)}
      </span>,
    ],
    ["Parent run", run.parentRunId ? <CopyableId key="p" value={run.parentRunId} /> : none],
    ["Trigger", `${run.trigger} (${run.source})`],
  ];
  return (
    <div className="metadata">
      <dl className="meta-list">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3>Raw trigger value</h3>
      <JsonBlock value={run.triggerValue ?? null} />
    </div>
  );
}
