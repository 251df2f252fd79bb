/** The files of a new project, as `keystroke init` writes them. */
import type { KeystrokeDependencies } from "./local-packages.js";

/**
 * @param keystroke how package.json names Keystroke's packages: registry ranges, or tarballs
 *   (see local-packages.ts). The `keystroke` command comes from `@keystroke/cli`.
 */
export function projectFiles(
  slug: string,
  organization: string,
  keystroke: KeystrokeDependencies,
): Record<string, string> {
  return {
    "package.json": `${JSON.stringify(
      {
        name: slug,
        version: "0.1.0",
        private: true,
        type: "module",
        engines: { node: ">=20.19" },
        scripts: { dev: "keystroke dev", typecheck: "tsc --noEmit" },
        dependencies: { ...keystroke.dependencies, zod: "^4.1.0" },
        devDependencies: { typescript: "^5.9.0", "@types/node": "^20.19.0" },
        ...(keystroke.overrides ? { overrides: keystroke.overrides } : {}),
        // npm's install-script policy (npm 11): the SQLite driver builds native code, esbuild installs its binary.
        allowScripts: { "better-sqlite3": true, esbuild: true },
      },
      null,
      2,
    )}\n`,
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2023",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          skipLibCheck: true,
          noEmit: true,
        },
        include: ["keystroke.config.ts", "src/**/*.ts"],
      },
      null,
      2,
    )}\n`,
    "keystroke.config.ts": `import { defineConfig } from "keystroke/config";

export default defineConfig({
  organization: "${organization}",
  project: "${slug}",
  // OpenAI-compatible endpoints, usable as "local/<model>" in an agent's model:
  // providers: { local: { baseURL: "http://127.0.0.1:11434/v1" } },
});
`,
    "src/actions/get-time.ts": `import { defineAction } from "keystroke/action";
import { z } from "zod";

export const getTime = defineAction({
  slug: "get-time",
  name: "Get time",
  description: "Tells the current time in a time zone",
  input: z.object({ timeZone: z.string().describe("An IANA time zone, e.g. Europe/Paris") }),
  output: z.object({ timeZone: z.string(), time: z.string() }),
  run: async ({ timeZone }, { log }) => {
    log("info", \`Reading the clock for \${timeZone}\`);
    return { timeZone, time: new Date().toLocaleString("en-GB", { timeZone }) };
  },
});
`,
    "src/agents/assistant.ts": `import { defineAgent } from "keystroke/agent";
import { getTime } from "../actions/get-time.js";

export const assistant = defineAgent({
  slug: "assistant",
  name: "Assistant",
  description: "A helpful assistant that can tell the time",
  systemPrompt: "You are a concise, helpful assistant.",
  // "demo/…" answers offline. With ANTHROPIC_API_KEY set, try "anthropic/claude-sonnet-4-5";
  // with OPENAI_API_KEY, "openai/gpt-5".
  model: "demo/assistant",
  tools: [getTime],
});
`,
    "src/workflows/daily-summary.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
import { getTime } from "../actions/get-time.js";
import { assistant } from "../agents/assistant.js";

// Run it with: keystroke workflows run daily-summary --input '{"timeZone":"Europe/Paris"}' --wait
export const dailySummary = defineWorkflow({
  slug: "daily-summary",
  name: "Daily summary",
  description: "Reads the clock, asks the assistant for a greeting, waits a moment, and returns both",
  input: z.object({ timeZone: z.string() }),
  output: z.object({ time: z.string(), greeting: z.string() }),
  async run({ timeZone }, ctx) {
    const { time } = await getTime.run({ timeZone });
    const reply = await assistant.prompt({ message: \`Greet a customer; it is \${time} in \${timeZone}.\` });
    await ctx.sleep("2s");
    const text = reply.messages.flatMap((m) => m.parts).find((p) => p.type === "text");
    return { time, greeting: text?.type === "text" ? text.text : "" };
  },
});
`,
    ".gitignore": ".keystroke/\nnode_modules/\n",
  };
}
