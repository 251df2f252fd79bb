/**
 * The trigger routes of the HTTP API as the page uses them: the list of attachments, and turning
 * one on or off. The shapes are core's reply schemas of `GET /api/trigger-sources`.
 */
import type { TriggerDelivery, TriggerInfo, TriggerList } from "@keystroke/core";
import { sendJson } from "../api/api";

export type { TriggerDelivery, TriggerInfo, TriggerList };

/** Where the page reads the list. */
export const triggerListPath = "/api/trigger-sources";

/**
 * Turns one attachment on or off; resolves with the attachments the server changed.
 *
 * @example
 * const { triggers } = await setTriggerEnabled(trigger, false);
 */
export function setTriggerEnabled(trigger: TriggerInfo, enabled: boolean): Promise<TriggerList> {
  const action = enabled ? "enable" : "disable";
  // On a server hosting several projects, the change goes to the attachment's own.
  return sendJson<TriggerList>(
    "POST",
    `/api/trigger-sources/${encodeURIComponent(trigger.source.slug)}/${action}`,
    { [trigger.target.kind]: trigger.target.slug },
    trigger.project ? { headers: { "x-keystroke-project": trigger.project } } : {},
  );
}

/** An attachment's key on the page: its id, within its project on a server hosting several. */
export const triggerKey = (trigger: TriggerInfo): string =>
  trigger.project ? `${trigger.project} ${trigger.id}` : trigger.id;

/**
 * The History view of the runs one attachment started: they carry its id as their actor (within
 * its project, when the page lists several).
 */
export function triggerRunsHref(trigger: TriggerInfo, inProject = false): string {
  const params: Record<string, string> = { actor: trigger.id };
  if (inProject && trigger.project) params.project = trigger.project;
  return `/?${new URLSearchParams(params)}`;
}
