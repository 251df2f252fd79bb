import type { ThinkingLevel } from "../agent/define-agent.js";

const anthropicBudget = { low: 1024, medium: 4096, high: 16_000 } as const;

/** The provider options that ask a vendor's model to think at `level`; none when off or unsupported. */
export function thinkingOptions(
  provider: string,
  level: ThinkingLevel,
): Record<string, Record<string, never>> | undefined {
  if (level === "off") return undefined;
  if (provider === "anthropic") {
    return { anthropic: { thinking: { type: "enabled", budgetTokens: anthropicBudget[level] } } } as never;
  }
  if (provider === "openai") return { openai: { reasoningEffort: level, reasoningSummary: "auto" } } as never;
  return undefined;
}
