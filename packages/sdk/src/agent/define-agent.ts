import { KeystrokeError, type PromptResult } from "@keystroke/core";
import { type Action, checkPrimitive, isAction } from "../action/define-action.js";
import { currentStepRunner } from "../workflow/workflow-scope.js";
import { currentAgentHost } from "./agent-host.js";

const agentBrand = Symbol.for("keystroke.agent");

export const thinkingLevels = ["off", "low", "medium", "high"] as const;
export type ThinkingLevel = (typeof thinkingLevels)[number];

/** A tool of an agent: an action, or another agent (a subagent, called with `{ message }`). */
export type AgentTool = Action | Agent;

export interface AgentDefinition {
  slug: string;
  name: string;
  description: string;
  systemPrompt: string;
  /** `vendor/model-id`, e.g. `anthropic/claude-sonnet-4-5`, `openai/gpt-5`, `demo/support`. */
  model: string;
  tools?: AgentTool[];
  /** How hard the model thinks before answering, where the provider supports it. Default "off". */
  thinkingLevel?: ThinkingLevel;
  /** Model calls per prompt before the agent stops. Default 10. */
  maxSteps?: number;
}

export interface PromptInput {
  message: string;
  /** Continues that session (the same run); a new session when absent or unknown. */
  sessionId?: string;
}

/** What a prompt answers: the session, its run, how the turn ended and the turn's messages. */
export type { PromptResult } from "@keystroke/core";

export interface Agent extends Required<Omit<AgentDefinition, "tools">> {
  readonly [agentBrand]: true;
  tools: AgentTool[];
  /** Prompts the agent through the host running this project (`keystroke dev`, a deployed server). */
  prompt(input: PromptInput): Promise<PromptResult>;
}

/**
 * Defines an agent. Every prompt to it is recorded as an agent run: one run per session.
 *
 * @example
 * export const support = defineAgent({
 *   slug: "support", name: "Support", description: "Answers customers",
 *   systemPrompt: "You help customers of Acme.", model: "anthropic/claude-sonnet-4-5",
 *   tools: [lookupOrder, research],
 * });
 */
export function defineAgent(definition: AgentDefinition): Agent {
  checkPrimitive("Agent", definition);
  if (typeof definition.model !== "string" || !/^[^/\s]+\/\S+$/.test(definition.model)) {
    throw new KeystrokeError(
      "invalid_input",
      `Agent "${definition.slug}" model ${JSON.stringify(definition.model)} is not vendor/model-id`,
      {
        hint: 'Write the model as "vendor/model-id", e.g. "anthropic/claude-sonnet-4-5" or "demo/support"',
        details: { field: "model" },
      },
    );
  }
  const tools = definition.tools ?? [];
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    if (!isAction(tool) && !isAgent(tool)) {
      throw new KeystrokeError(
        "invalid_input",
        `Agent "${definition.slug}" tools[${i}] is neither an action nor an agent`,
        {
          hint: "Pass values made by defineAction or defineAgent",
          details: { field: `tools[${i}]` },
        },
      );
    }
    if (names.has(tool.slug)) {
      throw new KeystrokeError("invalid_input", `Agent "${definition.slug}" has two tools named "${tool.slug}"`, {
        details: { field: `tools[${i}]` },
      });
    }
    names.add(tool.slug);
  }
  const maxSteps = definition.maxSteps ?? 10;
  if (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > 1000) {
    throw new KeystrokeError("invalid_input", `Agent "${definition.slug}" maxSteps must be an integer from 1 to 1000`, {
      details: { field: "maxSteps" },
    });
  }
  const agent: Agent = {
    slug: definition.slug,
    name: definition.name,
    description: definition.description,
    systemPrompt: definition.systemPrompt,
    model: definition.model,
    thinkingLevel: definition.thinkingLevel ?? "off",
    maxSteps,
    tools,
    [agentBrand]: true,
    prompt: (input) => {
      const runner = currentStepRunner();
      if (!runner) return currentAgentHost().prompt(agent, input);
      return runner.step({
        name: agent.slug,
        kind: "agent",
        input,
        run: async (step) => {
          const result = await currentAgentHost().prompt(agent, {
            ...input,
            step: { runId: step.runId, stepId: step.stepId, childRunId: step.childRunId(), signal: step.signal },
          });
          if (result.status !== "success") {
            throw new KeystrokeError(
              "internal",
              `Agent ${agent.slug} ${result.status}: ${result.error?.message ?? "no answer"}`,
              {
                details: { runId: result.runId, sessionId: result.sessionId },
              },
            );
          }
          return result;
        },
      });
    },
  };
  return agent;
}

/** True when `value` was made by defineAgent (in any copy of this package). */
export function isAgent(value: unknown): value is Agent {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[agentBrand] === true;
}
