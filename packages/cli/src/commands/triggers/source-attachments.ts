/** The attachments of one trigger source, or the API's not_found naming the sources there are. */
import { KeystrokeError } from "@keystroke/core";
import type { TriggerInfo } from "keystroke/client";

/**
 * @example
 * const attachments = sourceAttachments((await client.listTriggers()).triggers, "new-orders");
 */
export function sourceAttachments(triggers: readonly TriggerInfo[], slug: string): TriggerInfo[] {
  const attachments = triggers.filter((t) => t.source.slug === slug);
  if (attachments.length > 0) return attachments;
  const known = [...new Set(triggers.map((t) => t.source.slug))];
  throw new KeystrokeError("not_found", `No trigger source "${slug}"`, {
    hint:
      known.length > 0
        ? `Trigger sources: ${known.join(", ")}`
        : "This project has no trigger source under src/triggers",
  });
}
