import { KeystrokeError } from "@keystroke/core";
import type { z } from "zod";
import { checkPrimitive } from "../action/define-action.js";
import { type RetryPolicy, resolveRetry } from "./retry-policy.js";
import type { WorkflowContext } from "./workflow-context.js";
import { currentWorkflowHost } from "./workflow-host.js";
import { currentStepRunner } from "./workflow-scope.js";

const workflowBrand = Symbol.for("keystroke.workflow");

export interface WorkflowDefinition<I extends z.ZodType, O extends z.ZodType> {
  slug: string;
  name: string;
  description: string;
  input: I;
  output: O;
  /** The workflow's code. Steps inside it are journaled; code between them runs again on replay. */
  run(input: z.output<I>, ctx: WorkflowContext): Promise<z.input<O>>;
  /** The retry policy of its steps, unless a step says otherwise. Default: no retry. */
  retries?: RetryPolicy;
  /** Runs of this workflow executing at once; more wait Queued and start in order. Default: no limit. */
  concurrency?: number;
}

export interface Workflow<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly [workflowBrand]: true;
  slug: string;
  name: string;
  description: string;
  input: I;
  output: O;
  retries: RetryPolicy | undefined;
  concurrency: number | undefined;
  /** The workflow's code, as defined. */
  handler(input: z.output<I>, ctx: WorkflowContext): Promise<z.input<O>>;
  /**
   * Runs the workflow and resolves with its output. Inside another workflow this is a step: a
   * child run, linked both ways, that replays like any step.
   */
  run(input: z.input<I>): Promise<z.output<O>>;
}

/**
 * Defines a durable workflow: every step is journaled, so a retry, a restart or a resume replays
 * the code and completed steps return their recorded result instead of running again.
 *
 * @example
 * export const onboarding = defineWorkflow({
 *   slug: "onboarding", name: "Onboarding", description: "Welcomes a customer",
 *   input: z.object({ email: z.string() }), output: z.object({ sent: z.boolean() }),
 *   async run({ email }, ctx) {
 *     await sendWelcome.run({ email });
 *     await ctx.sleep("1d");
 *     return { sent: true };
 *   },
 * });
 */
export function defineWorkflow<I extends z.ZodType, O extends z.ZodType>(
  definition: WorkflowDefinition<I, O>,
): Workflow<I, O> {
  checkPrimitive("Workflow", definition);
  for (const field of ["input", "output"] as const) {
    const schema = definition[field] as { safeParse?: unknown } | undefined;
    if (typeof schema?.safeParse !== "function") {
      throw new KeystrokeError("invalid_input", `Workflow "${definition.slug}" ${field} must be a zod schema`, {
        hint: `Give ${field} as z.object({ … })`,
        details: { field },
      });
    }
  }
  if (typeof definition.run !== "function") {
    throw new KeystrokeError("invalid_input", `Workflow "${definition.slug}" needs a run(input, ctx) function`, {
      details: { field: "run" },
    });
  }
  resolveRetry(definition.retries, "retries");
  const { concurrency } = definition;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000)) {
    throw new KeystrokeError(
      "invalid_input",
      `Workflow "${definition.slug}" concurrency must be an integer from 1 to 10,000`,
      {
        details: { field: "concurrency" },
      },
    );
  }
  const workflow: Workflow<I, O> = {
    [workflowBrand]: true,
    slug: definition.slug,
    name: definition.name,
    description: definition.description,
    input: definition.input,
    output: definition.output,
    retries: definition.retries,
    concurrency,
    handler: (input, ctx) => definition.run(input, ctx),
    run: (input) => {
      const runner = currentStepRunner();
      const host = currentWorkflowHost();
      if (!runner) return host.run(workflow, input) as Promise<z.output<O>>;
      return runner.step({
        name: workflow.slug,
        kind: "workflow",
        input,
        run: (step) => host.runChild(workflow, input, step) as Promise<z.output<O>>,
      });
    },
  };
  return workflow;
}

/** True when `value` was made by defineWorkflow (in any copy of this package). */
export function isWorkflow(value: unknown): value is Workflow {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[workflowBrand] === true;
}
