/**
 * Where `agent.prompt()` goes. Agents are plain values a project exports; the process that runs
 * the project (`keystroke dev`, a deployed server, a test) installs a host that records and runs
 * prompts. The host sits on globalThis under a registered symbol so that a project loaded through
 * a TypeScript loader, with its own copy of this module, still finds it.
 */
import { KeystrokeError } from "@keystroke/core";
import type { Agent, PromptInput, PromptResult } from "./define-agent.js";

/** The workflow step a prompt runs as: the agent run is its child, with the id the step chose. */
export interface PromptStepLink {
  runId: string;
  stepId: string;
  childRunId: string;
  signal: AbortSignal;
}

export interface AgentHost {
  prompt(agent: Agent, input: PromptInput & { step?: PromptStepLink }): Promise<PromptResult>;
}

const hostKey = Symbol.for("keystroke.agent-host");
type HostSlot = { [hostKey]?: AgentHost };

/** Installs the host prompts go to; returns a function that removes it again. */
export function installAgentHost(host: AgentHost): () => void {
  const slot = globalThis as HostSlot;
  const previous = slot[hostKey];
  slot[hostKey] = host;
  return () => {
    if (slot[hostKey] === host) slot[hostKey] = previous;
  };
}

export function currentAgentHost(): AgentHost {
  const host = (globalThis as HostSlot)[hostKey];
  if (!host) {
    throw new KeystrokeError(
      "unavailable",
      "No Keystroke runtime is running in this process, so the agent cannot be prompted",
      {
        hint: "Run the project with `keystroke dev`, or prompt it with `keystroke agents prompt <slug> --message …`",
      },
    );
  }
  return host;
}
