/** What fires an attachment: a cron schedule and its zone, a poll interval, or a webhook's URL with a copy button. */
import { CopyButton } from "../ui/copy-button";
import type { TriggerInfo } from "./trigger-api";

/** The schedule as text, or the webhook endpoint with its full URL to copy. */
export function TriggerFiring({ trigger }: { trigger: TriggerInfo }) {
  const { source } = trigger;
  if (source.kind === "webhook") {
    const url = trigger.url ?? `${window.location.origin}/api/triggers/${(source.endpoint ?? "").replace(/^\/+/, "")}`;
    return (
      <span className="trigger-url">
        <code title={url}>{url}</code>
        <CopyButton text={url} label="Copy URL" />
      </span>
    );
  }
  const schedule = [source.schedule, source.timezone].filter(Boolean).join(" ");
  return <code>{schedule || "—"}</code>;
}
