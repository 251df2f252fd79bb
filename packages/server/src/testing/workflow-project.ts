/**
 * A Keystroke project in a temporary folder with small workflows, each showing one behaviour of
 * the durable executor: retries, replayed values, child runs, agent steps, concurrency, hooks and
 * cancel. Its agents run on the offline demo model. Its node_modules link to this repository's
 * sdk and zod, as an installed project's would. A module-level counter would be reset by each
 * project load, so the flaky action counts its calls on globalThis (the server runs in-process).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunDetail, RunViewReply } from "@keystroke/core";
import { writeProjectFiles } from "./project-files.js";
import type { TestServer } from "./test-server.js";

export const workflowProjectFiles: Record<string, string> = {
  "package.json": JSON.stringify({ name: "workflow-test", private: true, type: "module" }),
  "keystroke.config.ts": `import { defineConfig } from "keystroke/config";
export default defineConfig({ organization: "acme", project: "flows" });
`,
  "src/actions/flaky.ts": `import { defineAction } from "keystroke/action";
import { z } from "zod";

const seen = ((globalThis as Record<symbol, Map<string, string[]>>)[Symbol.for("keystroke-test.flaky")] ??= new Map());

/** Fails its first \`failures\` calls for \`key\`, then answers with the idempotency keys it was given. */
export const flaky = defineAction({
  slug: "flaky", name: "Flaky", description: "Fails a few times, then works",
  input: z.object({ key: z.string(), failures: z.number() }),
  output: z.object({ calls: z.number(), keys: z.array(z.string()) }),
  run: async ({ key, failures }, { idempotencyKey }) => {
    const keys = seen.get(key) ?? [];
    keys.push(idempotencyKey ?? "(none)");
    seen.set(key, keys);
    if (keys.length <= failures) throw new Error(\`flaky failed on call \${keys.length}\`);
    return { calls: keys.length, keys };
  },
});
`,
  "src/agents/agents.ts": `import { defineAgent } from "keystroke/agent";

export const research = defineAgent({
  slug: "research", name: "Research",
  description: "Researches product questions (warranty, returns, shipping policy) in the documentation",
  systemPrompt: "You research questions about Acme products.", model: "demo/research",
});

export const support = defineAgent({
  slug: "support", name: "Support",
  description: "Answers Acme customers, asking the research agent about product policy",
  systemPrompt: "You are Acme's support agent.", model: "demo/support", tools: [research],
});
`,
  "src/workflows/retries.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
import { flaky } from "../actions/flaky.js";

export const retrying = defineWorkflow({
  slug: "retrying", name: "Retrying", description: "Calls a flaky action with a retry policy",
  input: z.object({ key: z.string(), failures: z.number(), attempts: z.number() }),
  output: z.object({ calls: z.number(), keys: z.array(z.string()) }),
  async run({ key, failures, attempts }) {
    return flaky.run({ key, failures }, { retry: { attempts, initialMs: 20 } });
  },
});

export const catchThenWait = defineWorkflow({
  slug: "catch-then-wait", name: "Catch, then wait", description: "Catches a failed step, then waits on a hook made before it",
  input: z.object({ key: z.string() }),
  output: z.object({ caught: z.string(), body: z.unknown() }),
  async run({ key }, ctx) {
    const hook = ctx.hook();
    let caught = "";
    try {
      await flaky.run({ key, failures: 99 }, { retry: { attempts: 2, initialMs: 20 } });
    } catch (error) {
      caught = error instanceof Error ? error.message : String(error);
    }
    const body = await hook;
    return { caught, body };
  },
});

export const catching = defineWorkflow({
  slug: "catching", name: "Catching", description: "Catches a step that ran out of retries",
  input: z.object({ key: z.string() }),
  output: z.object({ caught: z.string(), after: z.string() }),
  retries: { attempts: 2, initialMs: 20 },
  async run({ key }, ctx) {
    let caught = "";
    try {
      await flaky.run({ key, failures: 99 });
    } catch (error) {
      caught = error instanceof Error ? error.message : String(error);
    }
    const after = await ctx.step("after", () => "continued");
    return { caught, after };
  },
});
`,
  "src/workflows/values.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";

export const replayedValues = defineWorkflow({
  slug: "replayed-values", name: "Replayed values", description: "Reads the clock and a random number around a sleep",
  input: z.object({}),
  output: z.object({ now: z.string(), random: z.number(), later: z.string() }),
  async run(_input, ctx) {
    const now = ctx.now().toISOString();
    const random = ctx.random();
    await ctx.step("first-seen", () => ({ now, random }));
    await ctx.sleep("200ms");
    return { now, random, later: ctx.now().toISOString() };
  },
});
`,
  "src/workflows/children.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";

export const child = defineWorkflow({
  slug: "child", name: "Child", description: "Doubles a number, or refuses",
  input: z.object({ n: z.number(), fail: z.boolean().default(false) }),
  output: z.object({ doubled: z.number() }),
  async run({ n, fail }, ctx) {
    const doubled = await ctx.step("double", () => n * 2);
    if (fail) throw new Error(\`child refused \${n}\`);
    return { doubled };
  },
});

export const parent = defineWorkflow({
  slug: "parent", name: "Parent", description: "Hands a number to its child workflow",
  input: z.object({ n: z.number(), fail: z.boolean().default(false) }),
  output: z.object({ fromChild: z.number() }),
  async run({ n, fail }) {
    const result = await child.run({ n, fail });
    return { fromChild: result.doubled };
  },
});
`,
  "src/workflows/ask-support.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
import { support } from "../agents/agents.js";

export const askSupport = defineWorkflow({
  slug: "ask-support", name: "Ask support", description: "Prompts the support agent once",
  input: z.object({ message: z.string() }),
  output: z.object({ supportRunId: z.string() }),
  async run({ message }) {
    const answer = await support.prompt({ message });
    return { supportRunId: answer.runId };
  },
});
`,
  "src/workflows/waits.ts": `import { defineWorkflow, HookTimeoutError } from "keystroke/workflow";
import { z } from "zod";

export const oneAtATime = defineWorkflow({
  slug: "one-at-a-time", name: "One at a time", description: "Works 400 ms; one run at once",
  input: z.object({ n: z.number() }),
  output: z.object({ n: z.number() }),
  concurrency: 1,
  async run({ n }, ctx) {
    await ctx.step("work", () => new Promise((resolve) => setTimeout(resolve, 400)));
    return { n };
  },
});

export const sleepyLimited = defineWorkflow({
  slug: "sleepy-limited", name: "Sleepy, limited", description: "Maybe sleeps, then works 500 ms; one run at once",
  input: z.object({ n: z.number(), sleepFirst: z.boolean() }),
  output: z.object({ n: z.number() }),
  concurrency: 1,
  async run({ n, sleepFirst }, ctx) {
    if (sleepFirst) await ctx.sleep("100ms");
    await ctx.step("work", () => new Promise((resolve) => setTimeout(resolve, 500)));
    return { n };
  },
});

export const shortSleeps = defineWorkflow({
  slug: "short-sleeps", name: "Short sleeps", description: "Sleeps a few milliseconds, a few times",
  input: z.object({ times: z.number() }),
  output: z.object({ slept: z.number() }),
  async run({ times }, ctx) {
    for (let i = 0; i < times; i++) await ctx.sleep(2);
    return { slept: times };
  },
});

export const blocked = defineWorkflow({
  slug: "blocked", name: "Blocked", description: "A step that runs until the run is canceled; one run at once",
  input: z.object({}),
  output: z.object({}),
  concurrency: 1,
  async run(_input, ctx) {
    await ctx.step("block", (step) => new Promise((_resolve, reject) => {
      step.signal.addEventListener("abort", () => reject(new Error("stopped by cancel")));
    }));
    return {};
  },
});

export const hookTimeout = defineWorkflow({
  slug: "hook-timeout", name: "Hook timeout", description: "Waits on a hook that times out",
  input: z.object({ timeout: z.string() }),
  output: z.object({ outcome: z.string(), name: z.string(), message: z.string(), url: z.string() }),
  async run({ timeout }, ctx) {
    const hook = ctx.hook({ timeout });
    try {
      const body = await hook;
      return { outcome: "resumed", name: "", message: JSON.stringify(body), url: hook.resumeUrl };
    } catch (error) {
      const e = error as Error;
      return { outcome: error instanceof HookTimeoutError ? "timeout" : "other", name: e.name, message: e.message, url: hook.resumeUrl };
    }
  },
});

export const hookLink = defineWorkflow({
  slug: "hook-link", name: "Hook link", description: "Waits on a hook with no timeout",
  input: z.object({}),
  output: z.object({ body: z.unknown() }),
  async run(_input, ctx) {
    const body = await ctx.hook();
    return { body };
  },
});

export const earlyAnswer = defineWorkflow({
  slug: "early-answer", name: "Early answer", description: "Hands its hook URL to a system that answers before the hook is awaited",
  input: z.object({}),
  output: z.object({ body: z.unknown() }),
  async run(_input, ctx) {
    const hook = ctx.hook();
    await ctx.step("notify", async () => {
      const response = await fetch(hook.resumeUrl, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ approved: true }),
      });
      return response.status;
    });
    const body = await hook;
    return { body };
  },
});

export const awaitsChild = defineWorkflow({
  slug: "awaits-child", name: "Awaits child", description: "Runs hook-link as its child",
  input: z.object({}),
  output: z.object({ body: z.unknown() }),
  async run() {
    return hookLink.run({});
  },
});
`,
};

/**
 * Writes `files` into a new temporary folder with node_modules linked to this repository's
 * packages; returns the folder and a function that removes it.
 */
export function writeProject(
  files: Record<string, string>,
  prefix = "keystroke-workflows-",
): {
  dir: string;
  remove(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeProjectFiles(dir, files);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const finished = (run: RunDetail) => ["success", "failed", "canceled"].includes(run.status);

/** A run's detail with its steps, as the run panel reads it. */
export async function runView(server: TestServer, runId: string): Promise<RunViewReply> {
  const { status, body } = await server.get<RunViewReply>(`/api/history/${runId}?include=steps`);
  if (status !== 200) throw new Error(`GET /api/history/${runId} answered ${status}`);
  return body;
}

/** Polls the run's detail until `done` holds; fails the test after `ms`. */
export async function waitForRun(
  server: TestServer,
  runId: string,
  done: (run: RunDetail) => boolean,
  ms = 10_000,
): Promise<RunViewReply> {
  const deadline = Date.now() + ms;
  for (;;) {
    const view = await runView(server, runId);
    if (done(view.run)) return view;
    if (Date.now() > deadline) {
      throw new Error(`Run ${runId} is still ${view.run.status} after ${ms} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts a run of `slug` over HTTP; its id. */
export async function startRun(server: TestServer, slug: string, input: unknown): Promise<string> {
  const { status, body } = await server.post<{ runId: string }>(`/api/workflows/${slug}/runs`, { input });
  if (status !== 202) throw new Error(`Starting ${slug} answered ${status}: ${JSON.stringify(body)}`);
  return body.runId;
}
