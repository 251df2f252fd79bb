import { KeystrokeError } from "@keystroke/core";
import { z } from "zod";
import { currentWorkflowHost } from "./workflow-host.js";
import { currentStepRunner } from "./workflow-scope.js";

export interface PromptLlmOptions<T extends z.ZodType | undefined> {
  /** `vendor/model-id`, as for agents. */
  model: string;
  system?: string;
  /** The answer must parse as JSON matching this schema; the parsed value is returned. */
  outputSchema?: T;
}

/**
 * One model call, recorded with its tokens and cost. Inside a workflow it is a step: journaled,
 * not called again on replay. With `outputSchema` the answer is structured output, validated.
 *
 * @example
 * const { category } = await promptLlm(`Classify: ${text}`, {
 *   model: "openai/gpt-5", outputSchema: z.object({ category: z.enum(["bug", "question"]) }),
 * });
 */
export async function promptLlm<T extends z.ZodType | undefined = undefined>(
  prompt: string,
  options: PromptLlmOptions<T>,
): Promise<T extends z.ZodType ? z.output<T> : string> {
  if (typeof prompt !== "string" || prompt.trim() === "") {
    throw new KeystrokeError("invalid_input", "promptLlm needs a non-empty prompt", { details: { field: "prompt" } });
  }
  if (typeof options?.model !== "string" || !/^[^/\s]+\/\S+$/.test(options.model)) {
    throw new KeystrokeError(
      "invalid_input",
      `promptLlm model ${JSON.stringify(options?.model)} is not vendor/model-id`,
      {
        details: { field: "model" },
      },
    );
  }
  const schema = options.outputSchema;
  const request = {
    prompt,
    model: options.model,
    system: options.system,
    jsonSchema: schema ? (z.toJSONSchema(schema) as Record<string, unknown>) : undefined,
  };
  const call = async (step: Parameters<ReturnType<typeof currentWorkflowHost>["callModel"]>[1]) => {
    const text = await currentWorkflowHost().callModel(request, step);
    if (!schema) return text;
    return parseStructured(text, schema);
  };
  const runner = currentStepRunner();
  const result = runner
    ? await runner.step({ name: "promptLlm", kind: "llm", input: { model: options.model, prompt }, run: call })
    : await call(undefined);
  return result as T extends z.ZodType ? z.output<T> : string;
}

function parseStructured(text: string, schema: z.ZodType): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch {
    throw new KeystrokeError(
      "invalid_input",
      "The model's answer is not JSON, but promptLlm asked for structured output",
      {
        details: { answer: text.slice(0, 2000) },
      },
    );
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KeystrokeError(
      "invalid_input",
      `The model's answer does not match outputSchema at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
      { details: { issues: parsed.error.issues, answer: value } },
    );
  }
  return parsed.data;
}
