/**
 * How a trigger-started run reads in History: source `trigger`, a label per source ("Cron · 0 9 *
 * * 1-5 Europe/Paris", "Webhook · /orders", "Poll · new-tickets"), the raw value that fired it,
 * and the attachment as actor. Filtering History by `trigger=<label>` or `actor=<attachment id>`
 * finds a source's runs.
 */

import type { TriggerAttachment, TriggerSource } from "keystroke/trigger";
import type { PromptOrigin } from "../agents/agent-service.js";

/**
 * The readable trigger label of a source.
 *
 * @example
 * triggerLabel(cronSource); // "Cron · 0 9 * * 1-5 Europe/Paris"
 */
export function triggerLabel(source: TriggerSource): string {
  if (source.kind === "cron") return `Cron · ${source.schedule}${source.timezone ? ` ${source.timezone}` : ""}`;
  if (source.kind === "webhook") return `Webhook · ${source.endpoint}`;
  return `Poll · ${source.slug}`;
}

/**
 * Source, label, raw value and actor of a run the attachment starts.
 *
 * @example
 * triggerOrigin(attachment, { tick: "2026-11-30T08:00:00.000Z" });
 */
export function triggerOrigin(attachment: TriggerAttachment, value: unknown): PromptOrigin {
  return {
    source: "trigger",
    trigger: { label: triggerLabel(attachment.source), value },
    actor: { type: "trigger", id: attachment.id, name: attachment.source.name },
  };
}

/** The slug of the attachment's target. */
export const targetSlug = (attachment: TriggerAttachment): string =>
  attachment.target.kind === "workflow" ? attachment.target.workflow.slug : attachment.target.agent.slug;
