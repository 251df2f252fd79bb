/**
 * An attachment as `GET /api/trigger-sources` shows it: the source, the target, enabled, overlap,
 * last and next fire, the last error (the attachment's own, or its poll's when newer), the
 * webhook's full URL, and the newest deliveries.
 */
import type { TriggerInfo } from "@keystroke/core";
import type { TriggerStateStore } from "@keystroke/store";
import type { TriggerAttachment } from "keystroke/trigger";
import { pollStateId } from "./poll-runner.js";
import { targetSlug } from "./trigger-labels.js";

/** Deliveries shown per attachment. */
export const RECENT_DELIVERIES = 20;

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/**
 * `webhookBase` is the URL webhook endpoints are under; `project` tags each view, on a server
 * hosting several projects.
 *
 * @example
 * const triggers = await listTriggers(state, "http://127.0.0.1:3400/api/triggers", attachments);
 */
export async function listTriggers(
  state: TriggerStateStore,
  webhookBase: string,
  attachments: readonly TriggerAttachment[],
  project?: string,
): Promise<TriggerInfo[]> {
  const ids = attachments.map((a) => a.id);
  const polls = attachments.filter((a) => a.source.kind === "poll").map((a) => pollStateId(a.source.slug));
  const records = await state.get([...ids, ...polls]);
  const views: TriggerInfo[] = [];
  for (const attachment of [...attachments].sort((a, b) => a.id.localeCompare(b.id))) {
    const { source } = attachment;
    const record = records.get(attachment.id);
    const poll = source.kind === "poll" ? records.get(pollStateId(source.slug)) : undefined;
    const enabled = !record?.disabled;
    const errors = [record?.lastError, poll?.lastError].filter((e) => e != null);
    const lastError = errors.sort((a, b) => b.at - a.at)[0] ?? null;
    const lastFire = Math.max(record?.lastFireAt ?? 0, poll?.lastFireAt ?? 0) || null;
    const next = !enabled ? null : source.kind === "poll" ? poll?.nextFireAt : record?.nextFireAt;
    views.push({
      id: attachment.id,
      ...(project ? { project } : {}),
      source: {
        slug: source.slug,
        name: source.name,
        description: source.description,
        kind: source.kind,
        ...(source.kind !== "webhook" ? { schedule: source.schedule } : {}),
        ...(source.kind === "cron" && source.timezone ? { timezone: source.timezone } : {}),
        ...(source.kind === "webhook" ? { endpoint: source.endpoint } : {}),
      },
      target: { kind: attachment.target.kind, slug: targetSlug(attachment) },
      enabled,
      overlap: attachment.overlap,
      lastFireAt: iso(lastFire),
      nextFireAt: iso(next),
      lastError: lastError ? { message: lastError.message, at: new Date(lastError.at).toISOString() } : null,
      ...(source.kind === "webhook" ? { url: `${webhookBase}${source.endpoint}` } : {}),
      deliveries: (await state.deliveries(attachment.id, RECENT_DELIVERIES)).map((d) => ({
        at: new Date(d.at).toISOString(),
        outcome: d.outcome,
        runId: d.runId,
        reason: d.reason,
      })),
    });
  }
  return views;
}
