/**
 * The History column catalog (the History page of the product): which columns exist, their labels,
 * and which are shown by default. Shared by the web table and the CLI table.
 */
export const historyColumnIds = [
  "name",
  "kind",
  "startedAt",
  "actor",
  "status",
  "trigger",
  "durationMs",
  "project",
  "runId",
  "queuedAt",
  "finishedAt",
  "models",
  "services",
  "totalCost",
  "messageCount",
  "stepCount",
  "triggerValue",
] as const;

export type HistoryColumnId = (typeof historyColumnIds)[number];

export interface HistoryColumn {
  id: HistoryColumnId;
  label: string;
  description: string;
  defaultVisible: boolean;
  sortable: boolean;
}

const column = (
  id: HistoryColumnId,
  label: string,
  description: string,
  defaultVisible: boolean,
  sortable = false,
): HistoryColumn => ({ id, label, description, defaultVisible, sortable });

export const historyColumns: readonly HistoryColumn[] = [
  column("name", "Name", "The agent or workflow name; opens the run.", true),
  column("kind", "Type", "Agent or Workflow.", true),
  column("startedAt", "Start time", "When the run was triggered.", true, true),
  column(
    "actor",
    "Actor",
    "Who started it: a user, an API key, a trigger, a gateway user, a workflow or an agent.",
    true,
  ),
  column("status", "Status", "Queued, Running, Sleeping, Waiting on hook, Success, Failed or Canceled.", true),
  column("trigger", "Trigger", "How the run started, as a readable label.", true),
  column("durationMs", "Duration", "From start to finish, or so far for an active run.", true),
  column("project", "Project", "The project the run belongs to.", true),
  column("runId", "Run ID", "The run's stable identifier.", false),
  column("queuedAt", "Queue time", "When the run was queued.", false),
  column("finishedAt", "Finish time", "When the run finished.", false),
  column("models", "Models", "Models called during the run.", false),
  column("services", "Services", "Other services the run called.", false),
  column("totalCost", "Total cost", "Summed model cost in USD.", false),
  column("messageCount", "Messages", "Messages in the conversation.", false),
  column("stepCount", "Steps", "Model steps (agents) and workflow steps.", false),
  column("triggerValue", "Raw trigger", "The raw trigger value: the CLI command, webhook, schedule or parent.", false),
];

export const defaultHistoryColumns: readonly HistoryColumnId[] = historyColumns
  .filter((c) => c.defaultVisible)
  .map((c) => c.id);
