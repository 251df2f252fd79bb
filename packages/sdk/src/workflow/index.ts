/**
 * `keystroke/workflow`: durable workflows. A workflow's steps — actions, agent prompts, model
 * calls, child workflows, named functions, sleeps and hooks — are journaled as run events and
 * replayed after a retry, a restart or a resume.
 */
export { defineWorkflow, isWorkflow, type Workflow, type WorkflowDefinition } from "./define-workflow.js";
export type { SleepFor } from "./duration.js";
export { type PromptLlmOptions, promptLlm } from "./prompt-llm.js";
export { type RetryPolicy, resolveRetry } from "./retry-policy.js";
export {
  type Hook,
  type HookOptions,
  HookTimeoutError,
  type StepOptions,
  type WorkflowContext,
} from "./workflow-context.js";
export type { RunningStep } from "./workflow-scope.js";
