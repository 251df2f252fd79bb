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
export {
  KeystrokeClient,
  type KeystrokeClientOptions,
  type SessionListRequest,
  type StreamEventsOptions,
} from "./keystroke-client.js";
export type {
  AgentInfo,
  AgentList,
  Health,
  IngestResult,
  Page,
  PageRequest,
  PromptResult,
  RunInclude,
  RunPage,
  RunView,
  SessionPage,
  StoredLog,
  StoredMessage,
  StoredStep,
} from "./responses.js";
export type { HttpFetch, HttpResponse, SendInit } from "./transport.js";
