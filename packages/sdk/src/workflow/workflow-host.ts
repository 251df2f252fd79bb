/**
 * Where `workflow.run()` and `promptLlm()` go: the process running the project (`keystroke dev`,
 * a server, a test) installs a host. It sits on globalThis under a registered symbol, like the
 * agent host, so a project loaded through a TypeScript loader finds it.
 */
import { KeystrokeError } from "@keystroke/core";
import type { Workflow } from "./define-workflow.js";
import type { RunningStep } from "./workflow-scope.js";

/** One model call, as `promptLlm` asks for it. */
export interface LlmRequest {
  prompt: string;
  model: string;
  system?: string | undefined;
  /** JSON Schema the answer must follow (from the zod outputSchema). */
  jsonSchema?: Record<string, unknown> | undefined;
}

export interface WorkflowHost {
  /** Starts a run of `workflow` outside any workflow and resolves with its output. */
  run(workflow: Workflow, input: unknown): Promise<unknown>;
  /** Runs `workflow` as the child run of a step and resolves with its output. */
  runChild(workflow: Workflow, input: unknown, step: RunningStep): Promise<unknown>;
  /** Calls a model once, recording the call on the step's run; the text answer. */
  callModel(request: LlmRequest, step: RunningStep | undefined): Promise<string>;
}

const hostKey = Symbol.for("keystroke.workflow-host");
type HostSlot = { [hostKey]?: WorkflowHost };

/** Installs the host; returns a function that removes it again. */
export function installWorkflowHost(host: WorkflowHost): () => void {
  const slot = globalThis as HostSlot;
  const previous = slot[hostKey];
  slot[hostKey] = host;
  return () => {
    if (slot[hostKey] === host) slot[hostKey] = previous;
  };
}

export function currentWorkflowHost(): WorkflowHost {
  const host = (globalThis as HostSlot)[hostKey];
  if (!host) {
    throw new KeystrokeError(
      "unavailable",
      "No Keystroke runtime is running in this process, so the workflow cannot run",
      {
        hint: "Run the project with `keystroke dev`, or start the workflow with `keystroke workflows run <slug>`",
      },
    );
  }
  return host;
}
