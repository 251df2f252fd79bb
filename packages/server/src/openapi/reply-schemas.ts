/**
 * The reply schemas the OpenAPI document names, by component name. Each is core's schema — the
 * one source of the type the server answers with and the client and web read — so the document
 * and the replies cannot drift (reply-schemas.test.ts parses every route's real answer with them).
 */
import {
  agentListSchema,
  cancelReplySchema,
  errorBodySchema,
  healthReplySchema,
  hookReplySchema,
  ingestReplySchema,
  promptResultSchema,
  runDetailSchema,
  runPageSchema,
  runSummarySchema,
  runViewReplySchema,
  sessionPageSchema,
  storedEventSchema,
  triggerInvokedSchema,
  triggerListSchema,
  webhookReplySchema,
  workflowListSchema,
  workflowRunStartedSchema,
} from "@keystroke/core";

/**
 * Component name → reply schema; the document refers to them as `#/components/schemas/<name>`.
 *
 * @example
 * replySchemas.HealthReply.parse(await (await fetch(`${url}/api/health`)).json());
 */
export const replySchemas = {
  RunSummary: runSummarySchema,
  RunDetail: runDetailSchema,
  StoredEvent: storedEventSchema,
  RunPage: runPageSchema,
  SessionPage: sessionPageSchema,
  RunViewReply: runViewReplySchema,
  IngestReply: ingestReplySchema,
  HealthReply: healthReplySchema,
  AgentList: agentListSchema,
  PromptResult: promptResultSchema,
  CancelReply: cancelReplySchema,
  WorkflowList: workflowListSchema,
  WorkflowRunStarted: workflowRunStartedSchema,
  HookReply: hookReplySchema,
  TriggerList: triggerListSchema,
  TriggerInvoked: triggerInvokedSchema,
  WebhookReply: webhookReplySchema,
  Error: errorBodySchema,
};

/** The name of a reply schema of the document. */
export type ReplySchemaName = keyof typeof replySchemas;
