/**
 * The model the starter's agents use: a real one when a provider key is set, otherwise the
 * offline demo model, which answers deterministically and says so.
 */
export function starterModel(role: "support" | "research"): string {
  if (process.env.ANTHROPIC_API_KEY)
    return role === "support" ? "anthropic/claude-sonnet-4-5" : "anthropic/claude-haiku-4-5";
  if (process.env.OPENAI_API_KEY) return role === "support" ? "openai/gpt-5" : "openai/gpt-5-mini";
  return `demo/${role}`;
}
