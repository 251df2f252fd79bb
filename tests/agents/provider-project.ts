/**
 * A Keystroke project in a temporary folder whose agents call real provider clients (Anthropic
 * Messages, OpenAI Responses, an OpenAI-compatible endpoint) pointed at the test suite's model
 * server. Its node_modules link to this repository's packages, as an installed project's would.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeProjectFiles } from "@keystroke/server/testing";

const files = (compatUrl: string): Record<string, string> => ({
  "package.json": JSON.stringify({ name: "wire-test", private: true, type: "module" }),
  "keystroke.config.ts": `import { defineConfig } from "keystroke/config";
export default defineConfig({ organization: "acme", project: "wire", providers: { compat: { baseURL: "${compatUrl}", apiKeyEnv: "COMPAT_KEY" } } });
`,
  "src/actions/orders.ts": `import { defineAction } from "keystroke/action";
import { z } from "zod";
export const lookupOrder = defineAction({
  slug: "lookup-order", name: "Look up order", description: "Order status", service: "orders-db",
  input: z.object({ orderId: z.string() }), output: z.object({ orderId: z.string(), status: z.string() }),
  run: async ({ orderId }, { log }) => {
    log("info", "looking up " + orderId);
    if (orderId === "BAD") throw new Error("orders-db refused BAD");
    return { orderId, status: "shipped" };
  },
});
export const waitForApproval = defineAction({
  slug: "wait-for-approval", name: "Wait for approval", description: "Waits for a human",
  input: z.object({ ticket: z.string() }), output: z.object({ approved: z.boolean() }),
  run: ({ ticket }, { signal, log }) => new Promise((resolve, reject) => {
    log("info", "waiting for approval of " + ticket);
    const timer = setTimeout(() => resolve({ approved: true }), 20_000);
    signal.addEventListener("abort", () => { clearTimeout(timer); reject(new Error("stopped waiting")); });
  }),
});
`,
  "src/agents/agents.ts": `import { defineAgent } from "keystroke/agent";
import { lookupOrder, waitForApproval } from "../actions/orders.js";
export const helper = defineAgent({ slug: "helper", name: "Helper", description: "Knows the warranty", systemPrompt: "You help.", model: "anthropic/claude-haiku-4-5" });
const tools = [lookupOrder, waitForApproval, helper];
export const claude = defineAgent({ slug: "claude", name: "Claude agent", description: "On Anthropic", systemPrompt: "You are on Anthropic.", model: "anthropic/claude-sonnet-4-5", tools, thinkingLevel: "low" });
export const gpt = defineAgent({ slug: "gpt", name: "GPT agent", description: "On OpenAI", systemPrompt: "You are on OpenAI.", model: "openai/gpt-4o-mini", tools });
export const compat = defineAgent({ slug: "compat", name: "Compatible agent", description: "On a compatible endpoint", systemPrompt: "You are local.", model: "compat/llama-3.3", tools });
`,
});

/** Writes the project; returns its folder. */
export function writeProviderProject(modelServerUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-wire-"));
  writeProjectFiles(dir, files(`${modelServerUrl}/v1`));
  return dir;
}

/** The environment that points the provider clients at the model server. */
export function providerEnv(modelServerUrl: string): Record<string, string> {
  return {
    ANTHROPIC_API_KEY: "test-anthropic-key",
    ANTHROPIC_BASE_URL: `${modelServerUrl}/v1`,
    OPENAI_API_KEY: "test-openai-key",
    OPENAI_BASE_URL: `${modelServerUrl}/v1`,
    COMPAT_KEY: "test-compat-key",
    KEYSTROKE_MODEL_TIMEOUT_MS: "2000",
    KEYSTROKE_MODEL_RETRIES: "0",
  };
}
