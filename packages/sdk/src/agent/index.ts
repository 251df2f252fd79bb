/** `keystroke/agent`: define agents; every prompt becomes a recorded agent run. */
export {
  type Agent,
  type AgentDefinition,
  type AgentTool,
  defineAgent,
  isAgent,
  type PromptInput,
  type PromptResult,
  type ThinkingLevel,
  thinkingLevels,
} from "./define-agent.js";
