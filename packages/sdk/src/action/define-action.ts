import type { LogLevel } from "@keystroke/core";
import { KeystrokeError, slugSchema } from "@keystroke/core";
import type { z } from "zod";
import type { StepOptions } from "../workflow/workflow-context.js";
import { currentStepRunner } from "../workflow/workflow-scope.js";

const actionBrand = Symbol.for("keystroke.action");

/** What an action's `run` receives beside its input. */
export interface ActionContext {
  /** Writes a log line onto the run (and the tool call's span) that called the action. */
  log(level: LogLevel, message: string, attributes?: Record<string, unknown>): void;
  /** Aborted when the run is canceled. */
  signal: AbortSignal;
  /**
   * Set when the action runs as a workflow step: `${runId}:${stepId}`, the same on every attempt,
   * for effects that cannot be journaled atomically (pass it to the payment API, say).
   */
  idempotencyKey?: string;
}

export interface ActionDefinition<I extends z.ZodType, O extends z.ZodType> {
  slug: string;
  name: string;
  description: string;
  input: I;
  output: O;
  /** The external service the action calls (e.g. "stripe"); listed under "services used". */
  service?: string;
  run(input: z.output<I>, context: ActionContext): Promise<z.input<O>> | z.input<O>;
}

export interface Action<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType>
  extends Omit<ActionDefinition<I, O>, "run"> {
  readonly [actionBrand]: true;
  /** The action's code, as defined. */
  handler: ActionDefinition<I, O>["run"];
  /** Validates `input`, runs the action and validates what it returns. */
  invoke(input: unknown, context?: Partial<ActionContext>): Promise<z.output<O>>;
  /**
   * Runs the action. Inside a workflow this is a journaled step (with `options.retry`); a replay
   * returns the recorded output instead of running it again.
   */
  run(input: z.input<I>, options?: StepOptions): Promise<z.output<O>>;
}

const quietContext: ActionContext = { log() {}, signal: new AbortController().signal };

/** Checks the fields every primitive has, naming the one that is wrong. */
export function checkPrimitive(
  kind: string,
  definition: { slug?: unknown; name?: unknown; description?: unknown },
): void {
  const slug = slugSchema.safeParse(definition.slug);
  if (!slug.success) {
    throw new KeystrokeError("invalid_input", `${kind} slug ${JSON.stringify(definition.slug)} is not valid`, {
      hint: "Use lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
      details: { field: "slug" },
    });
  }
  for (const field of ["name", "description"] as const) {
    if (typeof definition[field] !== "string" || definition[field] === "") {
      throw new KeystrokeError("invalid_input", `${kind} "${String(definition.slug)}" needs a ${field}`, {
        hint: `Give ${field} as a non-empty string`,
        details: { field },
      });
    }
  }
}

/**
 * Defines an action: a typed leaf unit of work, usable as an agent tool or a workflow step.
 *
 * @example
 * export const lookupOrder = defineAction({
 *   slug: "lookup-order", name: "Look up order", description: "Finds an order by id",
 *   input: z.object({ orderId: z.string() }), output: z.object({ status: z.string() }),
 *   run: async ({ orderId }) => ({ status: "shipped" }),
 * });
 */
export function defineAction<I extends z.ZodType, O extends z.ZodType>(
  definition: ActionDefinition<I, O>,
): Action<I, O> {
  checkPrimitive("Action", definition);
  const { run: handler, ...rest } = definition;
  const action: Action<I, O> = {
    ...rest,
    [actionBrand]: true,
    handler,
    run(input, options) {
      const runner = currentStepRunner();
      if (!runner) return action.invoke(input);
      return runner.step({
        name: definition.slug,
        kind: "action",
        input,
        retry: options?.retry,
        run: (step) =>
          action.invoke(input, { signal: step.signal, log: step.log, idempotencyKey: step.idempotencyKey }),
      });
    },
    async invoke(input, context) {
      const parsed = definition.input.safeParse(input);
      if (!parsed.success) {
        throw new KeystrokeError(
          "invalid_input",
          `Input of action "${definition.slug}" is not valid: ${parsed.error.message}`,
          {
            details: { action: definition.slug, issues: parsed.error.issues },
          },
        );
      }
      const result = await handler(parsed.data, { ...quietContext, ...context });
      const output = definition.output.safeParse(result);
      if (!output.success) {
        throw new KeystrokeError(
          "internal",
          `Action "${definition.slug}" returned output that does not match its schema: ${output.error.message}`,
          {
            details: { action: definition.slug, issues: output.error.issues },
          },
        );
      }
      return output.data;
    },
  };
  return action;
}

/** True when `value` was made by defineAction (in any copy of this package). */
export function isAction(value: unknown): value is Action {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[actionBrand] === true;
}
