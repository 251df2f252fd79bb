/**
 * A scripted AI SDK model (the SDK's own MockLanguageModelV3): each call answers with the next
 * step, so `generateText` runs a real agent loop — reasoning, a tool call, the tool, a reply —
 * and emits the AI SDK's real telemetry spans.
 */
import { MockLanguageModelV3 } from "ai/test";

type Step = {
  reasoning?: string;
  toolCall?: { id: string; name: string; input: unknown };
  text?: string;
  input: number;
  output: number;
  cacheRead?: number;
};

export function scriptedModel(steps: Step[], modelId = "gpt-4o-mini"): MockLanguageModelV3 {
  let call = 0;
  return new MockLanguageModelV3({
    provider: "openai.chat",
    modelId,
    doGenerate: async () => {
      const step = steps[Math.min(call++, steps.length - 1)] as Step;
      const content = [
        ...(step.reasoning ? [{ type: "reasoning" as const, text: step.reasoning }] : []),
        ...(step.toolCall
          ? [
              {
                type: "tool-call" as const,
                toolCallId: step.toolCall.id,
                toolName: step.toolCall.name,
                input: JSON.stringify(step.toolCall.input),
              },
            ]
          : []),
        ...(step.text ? [{ type: "text" as const, text: step.text }] : []),
      ];
      const cacheRead = step.cacheRead ?? 0;
      return {
        content,
        finishReason: { unified: step.toolCall ? "tool-calls" : "stop", raw: undefined },
        usage: {
          inputTokens: { total: step.input, noCache: step.input - cacheRead, cacheRead, cacheWrite: 0 },
          outputTokens: { total: step.output, text: step.output, reasoning: 0 },
        },
        warnings: [],
      };
    },
  });
}
