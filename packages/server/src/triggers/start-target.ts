/**
 * Starts the run of one delivery: a workflow run with the payload (or its transform) as input, or
 * a new agent session with the attachment's prompt as message. Both go through the same entry
 * points as the API, with the trigger's origin. Resolves once the run is recorded (its
 * `run.created` committed), not when it ends: `done` settles then. Bad input — a transform that
 * throws, an input the workflow's schema refuses, an empty prompt — throws before anything is
 * recorded, so a failed delivery leaves no half-made run.
 */
import { KeystrokeError } from "@keystroke/core";
import { newRunId } from "@keystroke/core/ids";
import type { TriggerAttachment } from "keystroke/trigger";
import type { AgentService } from "../agents/agent-service.js";
import type { RunEventBus } from "../events/run-event-bus.js";
import type { WorkflowService } from "../workflows/workflow-service.js";
import { triggerOrigin } from "./trigger-labels.js";

export interface TargetDeps {
  agents: AgentService;
  workflows: WorkflowService;
  bus: RunEventBus;
  /** The run `project` value of the project whose attachments these are (the last used when absent). */
  project?: string;
}

export interface StartedRun {
  runId: string;
  /** Settles when the run has finished (success, failure or cancel). */
  done: Promise<void>;
}

const noop = () => undefined;

function userCode<T>(what: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw new KeystrokeError(
      "invalid_input",
      `${what} threw: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * @example
 * const { runId } = await startTarget(deps, attachment, { orderId: "A-1" }, { body, headers });
 */
export async function startTarget(
  deps: TargetDeps,
  attachment: TriggerAttachment,
  payload: unknown,
  value: unknown,
): Promise<StartedRun> {
  const origin = triggerOrigin(attachment, value);
  if (attachment.target.kind === "workflow") {
    const { transform } = attachment;
    const input = transform ? userCode("transform", () => transform(payload)) : payload;
    const { runId } = await deps.workflows.runtime.start(attachment.target.workflow.slug, input, {
      ...origin,
      ...(deps.project ? { project: deps.project } : {}),
    });
    return { runId, done: deps.workflows.runtime.outcome(runId).then(noop, noop) };
  }
  const { prompt } = attachment;
  const message = prompt ? userCode("prompt", () => prompt(payload)) : "";
  if (typeof message !== "string" || message.trim() === "") {
    throw new KeystrokeError("invalid_input", "prompt returned no message", {
      hint: "Return the agent's message as a non-empty string",
      details: { field: "prompt" },
    });
  }
  const runId = newRunId();
  let unsubscribe: () => void = noop;
  const recorded = new Promise<void>((resolve) => {
    unsubscribe = deps.bus.subscribe(runId, () => resolve());
  });
  try {
    const turn = deps.agents.prompt(
      attachment.target.agent.slug,
      { message, runId },
      origin,
      deps.project ? { project: deps.project } : {},
    );
    await Promise.race([recorded, turn]);
    return { runId, done: turn.then(noop, noop) };
  } finally {
    unsubscribe();
  }
}
