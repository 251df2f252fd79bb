/**
 * The shapes the Keystroke HTTP API answers with (docs/http-api.md). Each is inferred from core's
 * reply schema, the one the server's OpenAPI document is generated from, so client and server
 * cannot disagree; only what a request asks for is declared here.
 */
import type { PageRequest } from "@keystroke/core";

export type {
  AgentInfo,
  AgentList,
  HealthReply,
  IngestReply,
  Page,
  PageRequest,
  PromptResult,
  RunPage,
  RunViewReply,
  SessionPage,
  StoredLog,
  StoredMessage,
  StoredStep,
  TriggerDelivery,
  TriggerInfo,
  TriggerInvoked,
  TriggerList,
  TriggerSourceInfo,
  WorkflowInfo,
  WorkflowList,
  WorkflowRunStarted,
} from "@keystroke/core";

/**
 * What a detail request pages in beside the run. `true` asks for the first page with the
 * server's default size; a PageRequest picks the page.
 *
 * @example
 * { messages: true, trace: { spans: { limit: 500 } } }
 */
export interface RunInclude {
  messages?: true | PageRequest;
  trace?: true | { spans?: PageRequest; logs?: PageRequest };
  steps?: true | PageRequest;
}
