/**
 * What a span is to a run, by whichever convention it follows: the agent invocation (the run
 * itself), a model call, a tool call, or something else that only shows in the trace. The GenAI
 * conventions say it with `gen_ai.operation.name`, OpenInference with `openinference.span.kind`,
 * the Vercel AI SDK with its span names (`ai.generateText`, `ai.generateText.doGenerate`,
 * `ai.toolCall`).
 */
import { AiSdk, GenAI, OpenInference } from "@keystroke/core";
import type { OtlpSpan } from "../otlp-model.js";

export type SpanRole = "agent" | "model" | "tool" | "other";

const genAiRoles: Record<string, SpanRole> = {
  invoke_agent: "agent",
  create_agent: "agent",
  chat: "model",
  text_completion: "model",
  generate_content: "model",
  execute_tool: "tool",
};

const openInferenceRoles: Record<string, SpanRole> = { AGENT: "agent", LLM: "model", TOOL: "tool" };

const aiSdkAgentSpans = new Set<string>([
  AiSdk.generateTextSpan,
  AiSdk.streamTextSpan,
  AiSdk.generateObjectSpan,
  AiSdk.streamObjectSpan,
]);

/** The AI SDK names spans by operation id; `ai.operationId` says it when the name is custom. */
function aiSdkRole(operation: string): SpanRole {
  if (aiSdkAgentSpans.has(operation)) return "agent";
  if (operation.endsWith(".doGenerate") || operation.endsWith(".doStream")) return "model";
  if (operation === AiSdk.toolCallSpan) return "tool";
  return "other";
}

/**
 * @example
 * spanRole({ name: "chat gpt-4o", attributes: { "gen_ai.operation.name": "chat" }, ... }) // "model"
 */
export function spanRole(span: OtlpSpan): SpanRole {
  const a = span.attributes;
  const operation = a[GenAI.operationName];
  if (typeof operation === "string" && operation in genAiRoles) return genAiRoles[operation] as SpanRole;
  const kind = a[OpenInference.spanKind];
  if (typeof kind === "string" && kind.toUpperCase() in openInferenceRoles) {
    return openInferenceRoles[kind.toUpperCase()] as SpanRole;
  }
  const aiOperation = a[AiSdk.operationId];
  return aiSdkRole(typeof aiOperation === "string" ? aiOperation : span.name);
}

/** Whether a span carries anything of an AI convention (and so makes its trace a run). */
export function isAiSpan(span: OtlpSpan, role: SpanRole): boolean {
  if (role !== "other") return true;
  for (const key in span.attributes) {
    if (key.startsWith(GenAI.prefix) || key.startsWith(OpenInference.llmPrefix) || key.startsWith(AiSdk.prefix))
      return true;
    if (key === OpenInference.spanKind) return true;
  }
  return false;
}
