/**
 * A Keystroke project in a temporary folder for trigger tests: small workflows (one that records
 * its input, one that takes a while, one with a strict input) and the demo support agent, plus
 * the `src/triggers` files a test gives. Its node_modules link to this repository's packages.
 */
import { join } from "node:path";
import { type StartServerOptions, startServer } from "../start-server.js";
import { writeProject } from "./workflow-project.js";

const baseFiles: Record<string, string> = {
  "package.json": JSON.stringify({ name: "trigger-test", private: true, type: "module" }),
  "keystroke.config.ts": `import { defineConfig } from "keystroke/config";
export default defineConfig({ organization: "acme", project: "triggers" });
`,
  "src/agents/support.ts": `import { defineAgent } from "keystroke/agent";

export const support = defineAgent({
  slug: "support", name: "Support", description: "Answers Acme customers",
  systemPrompt: "You are Acme's support agent.", model: "demo/support",
});
`,
  "src/workflows/flows.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";

export const record = defineWorkflow({
  slug: "record", name: "Record", description: "Returns its input",
  input: z.record(z.string(), z.unknown()),
  output: z.record(z.string(), z.unknown()),
  async run(input) {
    return input;
  },
});

export const slow = defineWorkflow({
  slug: "slow", name: "Slow", description: "Works for a few seconds",
  input: z.object({}).passthrough(),
  output: z.object({ ok: z.boolean() }),
  async run(_input, ctx) {
    await ctx.step("work", () => new Promise((resolve) => setTimeout(resolve, 2500)));
    return { ok: true };
  },
});

export const refund = defineWorkflow({
  slug: "refund", name: "Refund", description: "Reviews a refund",
  input: z.object({ orderId: z.string() }),
  output: z.object({ orderId: z.string() }),
  async run({ orderId }) {
    return { orderId };
  },
});
`,
};

/**
 * Writes the project with `triggers` as `src/triggers/<name>.ts` files.
 *
 * @example
 * const project = triggerProject({ "tick.ts": "export default defineCronSource(…).attach(…)" });
 */
export function triggerProject(triggers: Record<string, string>): { dir: string; remove(): void } {
  const files = { ...baseFiles };
  for (const [name, text] of Object.entries(triggers)) files[`src/triggers/${name}`] = text;
  return writeProject(files, "keystroke-triggers-");
}

/** Starts a server on `dbPath` over the project, on a free port; the same path again is a restart. */
export async function startTriggerServer(
  dir: string,
  dbPath = join(dir, ".keystroke", "dev.sqlite"),
  extra: Partial<StartServerOptions> = {},
) {
  const running = await startServer({ dbPath, projectDir: dir, port: 0, ...extra });
  const call = async <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  return {
    ...running,
    dbPath,
    get: <T = Record<string, unknown>>(path: string) => call<T>("GET", path),
    post: <T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>("POST", path, body ?? {}, headers),
  };
}

export type TriggerServer = Awaited<ReturnType<typeof startTriggerServer>>;
