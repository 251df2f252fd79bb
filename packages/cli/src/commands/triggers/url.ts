/**
 * `keystroke triggers url <slug>`: the URL that fires a webhook source; `POST` a JSON event to it.
 * Every attachment of a source shares its endpoint, so this is usually one URL.
 */
import { KeystrokeError } from "@keystroke/core";
import type { Command } from "commander";
import type { TriggerInfo } from "keystroke/client";
import { commandAction } from "../../output/command-action.js";
import { sourceAttachments } from "./source-attachments.js";

/** Adds `url` to `keystroke triggers`. */
export function configure(triggers: Command): void {
  triggers
    .command("url")
    .description("Print the URL of a webhook source")
    .argument("<slug>", "the webhook source's slug")
    .action(
      commandAction(async (command, context) => {
        const [slug = ""] = command.args;
        const client = context.client();
        const { triggers: all } = await client.listTriggers();
        const attachments = sourceAttachments(all, slug);
        const source = attachments[0]?.source;
        if (source?.kind !== "webhook") {
          const webhooks = [...new Set(all.filter((t) => t.source.kind === "webhook").map((t) => t.source.slug))];
          throw new KeystrokeError(
            "not_found",
            `"${slug}" is a ${source?.kind} source: only webhook sources have a URL`,
            {
              hint:
                webhooks.length > 0 ? `Webhook sources: ${webhooks.join(", ")}` : "This project has no webhook source",
            },
          );
        }
        const urls = [...new Set(attachments.map((t) => webhookUrl(t, client.baseUrl)))];
        return { data: { slug, urls }, human: () => urls.join("\n") };
      }),
    );
}

function webhookUrl(trigger: TriggerInfo, baseUrl: string): string {
  return (
    trigger.url ?? `${baseUrl}/api/triggers/${(trigger.source.endpoint ?? trigger.source.slug).replace(/^\/+/, "")}`
  );
}
