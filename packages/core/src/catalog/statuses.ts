/**
 * The status catalog: one source for the value, label, description and group of every run
 * status. The server, the CLI and the web page import it; it has no I/O and no UI code.
 */
export const runStatuses = [
  "queued",
  "running",
  "sleeping",
  "waiting_on_hook",
  "success",
  "failed",
  "canceled",
] as const;

export type RunStatus = (typeof runStatuses)[number];
export type StatusGroup = "active" | "finished";
/** How a status reads at a glance; the web page maps each tone to a colour. */
export type StatusTone = "neutral" | "info" | "waiting" | "success" | "danger" | "muted";

export interface StatusInfo {
  value: RunStatus;
  label: string;
  description: string;
  group: StatusGroup;
  tone: StatusTone;
}

export const statusCatalog: Record<RunStatus, StatusInfo> = {
  queued: {
    value: "queued",
    label: "Queued",
    description: "Created, waiting to start.",
    group: "active",
    tone: "neutral",
  },
  running: { value: "running", label: "Running", description: "Running now.", group: "active", tone: "info" },
  sleeping: {
    value: "sleeping",
    label: "Sleeping",
    description: "Paused until the runtime wakes it.",
    group: "active",
    tone: "waiting",
  },
  waiting_on_hook: {
    value: "waiting_on_hook",
    label: "Waiting on hook",
    description: "Waiting for an external hook response.",
    group: "active",
    tone: "waiting",
  },
  success: {
    value: "success",
    label: "Success",
    description: "Completed successfully.",
    group: "finished",
    tone: "success",
  },
  failed: { value: "failed", label: "Failed", description: "Ended with an error.", group: "finished", tone: "danger" },
  canceled: {
    value: "canceled",
    label: "Canceled",
    description: "Canceled before it completed.",
    group: "finished",
    tone: "muted",
  },
};

export const activeStatuses: readonly RunStatus[] = runStatuses.filter((s) => statusCatalog[s].group === "active");
export const finishedStatuses: readonly RunStatus[] = runStatuses.filter((s) => statusCatalog[s].group === "finished");

export function isActiveStatus(status: RunStatus): boolean {
  return statusCatalog[status].group === "active";
}
