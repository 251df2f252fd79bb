/**
 * `keystroke/client`: read and write a Keystroke server over HTTP.
 *
 * @example
 * import { KeystrokeClient } from "keystroke/client";
 * const client = new KeystrokeClient({ baseUrl: process.env.KEYSTROKE_URL ?? "http://127.0.0.1:3400" });
 */
export {
  type ErrorCode,
  type IngestBatchInput,
  KeystrokeError,
  type RunDetail,
  type RunFilter,
  type RunStatus,
  type RunSummary,
  type StoredEvent,
} from "@keystroke/core";
export type {
  CreatedApiKey,
  DeviceLogin,
  DeviceLoginPoll,
  MeReply,
  OrganizationMembership,
  OrganizationRole,
  ProjectInfo,
} from "./account-replies.js";
export {
  type CreateApiKeyRequest,
  type CreateProjectRequest,
  type InvokeTriggerRequest,
  KeystrokeClient,
  type KeystrokeClientOptions,
  type RunWorkflowOptions,
  type SessionListRequest,
  type StreamEventsOptions,
  type TriggerTarget,
  type WorkflowRunListRequest,
} from "./keystroke-client.js";
export type {
  AgentInfo,
  AgentList,
  HealthReply,
  IngestReply,
  Page,
  PageRequest,
  PromptResult,
  RunInclude,
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
} from "./responses.js";
export type { HttpFetch, HttpResponse, SendInit } from "./transport.js";
