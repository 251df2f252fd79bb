/**
 * `keystroke/runtime`: what a host (the Keystroke server, a test) uses to run a project's
 * agents and record them. Projects themselves import keystroke/agent and keystroke/action.
 */
export { type AgentHost, installAgentHost } from "../agent/agent-host.js";
export { demoModel } from "../models/demo-model.js";
export { type ResolvedModel, resolveModel } from "../models/resolve-model.js";
export { installWorkflowHost, type LlmRequest, type WorkflowHost } from "../workflow/workflow-host.js";
export { type RunningStep, withStepRunner } from "../workflow/workflow-scope.js";
export {
  AgentRuntime,
  type AgentRuntimeOptions,
  type RecordedSession,
  type RuntimePromptOptions,
  type SessionDirectory,
} from "./agent-runtime.js";
export { type RecordedEvent, type RunEventSink, RunRecorder } from "./run-recorder.js";
export { callModel, type ModelCallOptions } from "./workflows/call-model.js";
export { hashHookToken, hookToken } from "./workflows/hook-token.js";
export { type Journal, readJournal } from "./workflows/journal.js";
export type { ClaimEnd, ClaimHandlers, RunClaims } from "./workflows/run-claims.js";
export {
  type ClaimedOthers,
  type RunOutcome,
  type WorkflowRunSource,
  WorkflowRuntime,
  type WorkflowRuntimeOptions,
  type WorkflowStartOptions,
} from "./workflows/workflow-runtime.js";
export type { HookInput, TimerInput, TimerKind, WorkflowTimers } from "./workflows/workflow-timers.js";
