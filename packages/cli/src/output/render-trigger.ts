/** Trigger attachments on a terminal: one row each, with what fires them and when. */
import type { TriggerInfo } from "keystroke/client";
import { formatTime } from "./format-values.js";
import { renderTable } from "./render-table.js";

const kindLabels: Record<TriggerInfo["source"]["kind"], string> = { cron: "Cron", webhook: "Webhook", poll: "Poll" };

/** `0 9 * * 1-5 Europe/Paris` for cron, `/orders` for a webhook, the interval for poll. */
export function describeFiring(source: TriggerInfo["source"]): string {
  if (source.kind === "webhook") return source.endpoint ?? "—";
  return [source.schedule, source.timezone].filter((part) => part !== undefined && part !== "").join(" ") || "—";
}

/** `keystroke triggers list` (and what `disable` and `enable` changed) on a terminal. */
export function renderTriggerTable(triggers: readonly TriggerInfo[]): string {
  if (triggers.length === 0)
    return "No triggers: the server hosts no project, or its project has none under src/triggers.";
  return renderTable<TriggerInfo>(
    [
      { label: "Slug", cell: (t) => t.source.slug },
      { label: "Kind", cell: (t) => kindLabels[t.source.kind] ?? t.source.kind },
      { label: "Target", cell: (t) => `${t.target.kind} ${t.target.slug}` },
      { label: "Schedule / endpoint", cell: (t) => describeFiring(t.source) },
      { label: "Enabled", cell: (t) => (t.enabled ? "yes" : "no") },
      { label: "Last fire", cell: (t) => formatTime(t.lastFireAt) },
      { label: "Next fire", cell: (t) => formatTime(t.nextFireAt) },
      { label: "Last error", cell: (t) => t.lastError?.message ?? "—" },
    ],
    triggers,
  );
}
