/**
 * `keystroke/runtime`: what a host (the Keystroke server, a test) uses to run a project's
 * agents and record them. Projects themselves import keystroke/agent and keystroke/action.
 */
export { type AgentHost, installAgentHost } from "../agent/agent-host.js";
export { demoModel } from "../models/demo-model.js";
export { type ResolvedModel, resolveModel } from "../models/resolve-model.js";
export {
  AgentRuntime,
  type AgentRuntimeOptions,
  type RecordedSession,
  type RuntimePromptOptions,
  type SessionDirectory,
} from "./agent-runtime.js";
export { type RecordedEvent, type RunEventSink, RunRecorder } from "./run-recorder.js";
