/**
 * `keystroke/trigger`: what starts runs without a person. A cron schedule, a webhook endpoint or
 * a poll, each attached to a workflow (`{ workflow, transform? }`) or an agent (`{ agent, prompt }`).
 * Export the attachments from files in `src/triggers/`.
 */
export { durationMs, isDuration, looksLikeCron } from "./check-source.js";
export { type CronSourceDefinition, defineCronSource } from "./define-cron-source.js";
export { definePollSource, type PollSourceDefinition } from "./define-poll-source.js";
export { defineWebhookSource, type WebhookSourceDefinition } from "./define-webhook-source.js";
export {
  type AgentAttachOptions,
  type AttachOptions,
  type CronSource,
  isTriggerAttachment,
  type Overlap,
  type PollContext,
  type PollSource,
  type TriggerAttachment,
  type TriggerKind,
  type TriggerSource,
  type WebhookSource,
  type WorkflowAttachOptions,
} from "./trigger-source.js";
