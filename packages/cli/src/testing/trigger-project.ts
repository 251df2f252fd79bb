/**
 * A tiny Keystroke project with trigger sources, written into a temporary folder (with `keystroke`
 * and `zod` linked from this repository, as after `npm install`), for tests of the trigger
 * commands and the Triggers page:
 * - `weekday-report` (cron `0 9 * * 1-5`, Europe/Paris) → workflow `daily-report` `{}`;
 * - `new-orders` (webhook `/orders`, `{ orderId, test? }`, test orders filtered out) → workflow
 *   `fulfil-order` `{ orderId }` (step `ship`, then a prompt of `support`) and agent `support` (demo model);
 * - `new-tickets` (poll every hour; its helpdesk fails, so it has a last error) → agent `support`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "@keystroke/server";
import { KeystrokeClient } from "keystroke/client";
import { writeProjectFiles } from "../../../server/src/testing/project-files.js";

const files: Record<string, string> = {
  "package.json": JSON.stringify({ name: "trigger-test", private: true, type: "module" }),
  "keystroke.config.ts": `import { defineConfig } from "keystroke/config";
export default defineConfig({ organization: "acme", project: "trigger-test" });
`,
  "src/agents/support.ts": `import { defineAgent } from "keystroke/agent";

export const support = defineAgent({
  slug: "support", name: "Support", description: "Answers customers",
  systemPrompt: "You are Acme's support agent.", model: "demo/support",
});
`,
  "src/workflows/daily-report.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";

export const dailyReport = defineWorkflow({
  slug: "daily-report", name: "Daily report", description: "Sums up yesterday",
  input: z.object({}), output: z.object({ sent: z.boolean() }),
  async run(_input, ctx) {
    await ctx.step("compile", () => 42);
    return { sent: true };
  },
});
`,
  "src/workflows/fulfil-order.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
import { support } from "../agents/support.js";

export const fulfilOrder = defineWorkflow({
  slug: "fulfil-order", name: "Fulfil order", description: "Ships an order",
  input: z.object({ orderId: z.string() }), output: z.object({ shipped: z.string() }),
  async run({ orderId }, ctx) {
    const shipped = await ctx.step("ship", () => orderId);
    await support.prompt({ message: \`Order \${orderId} shipped\` });
    return { shipped };
  },
});
`,
  "src/triggers/weekday-report.ts": `import { defineCronSource } from "keystroke/trigger";
import { dailyReport } from "../workflows/daily-report.js";

export const weekdayReport = defineCronSource({
  slug: "weekday-report", name: "Weekday report", description: "9:00 in Paris, Monday to Friday",
  schedule: "0 9 * * 1-5", timezone: "Europe/Paris",
}).attach({ workflow: dailyReport });
`,
  "src/triggers/new-orders.ts": `import { defineWebhookSource } from "keystroke/trigger";
import { z } from "zod";
import { support } from "../agents/support.js";
import { fulfilOrder } from "../workflows/fulfil-order.js";

const newOrders = defineWebhookSource({
  slug: "new-orders", name: "New orders", description: "The shop posts each order",
  endpoint: "/orders",
  request: z.object({ orderId: z.string(), test: z.boolean().optional() }),
  filter: (order) => order.test !== true,
});

export const ordersToFulfilment = newOrders.attach({ workflow: fulfilOrder, transform: (o) => ({ orderId: o.orderId }) });
export const ordersToSupport = newOrders.attach({ agent: support, prompt: (o) => \`Order \${o.orderId} arrived\` });
`,
  "src/triggers/new-tickets.ts": `import { definePollSource } from "keystroke/trigger";
import { support } from "../agents/support.js";

export const newTickets = definePollSource({
  slug: "new-tickets", name: "New tickets", description: "Looks for new tickets every hour",
  schedule: "1h",
  run: async (): Promise<{ subject: string }[]> => {
    throw new Error("the helpdesk answered 503");
  },
}).attach({ agent: support, prompt: (t) => t.subject });
`,
};

export interface TriggerProject {
  dir: string;
  /** Deletes the folder. */
  remove(): void;
}

/** Writes the project into a new temporary folder. */
export function writeTriggerProject(): TriggerProject {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-triggers-"));
  writeProjectFiles(dir, files);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real server hosting the trigger project in this process, for CLI tests. */
export interface TriggerServer {
  url: string;
  client: KeystrokeClient;
  /** Stops the server and deletes the project. */
  close(): Promise<void>;
}

/**
 * Writes the project and serves it on 127.0.0.1 over a SQLite file inside it.
 *
 * @example
 * const server = await startTriggerServer();
 * await runCli(["triggers", "list", "--url", server.url]);
 */
export async function startTriggerServer(): Promise<TriggerServer> {
  const project = writeTriggerProject();
  const running = await startServer({
    host: "127.0.0.1",
    port: 0,
    dbPath: join(project.dir, "keystroke.db"),
    projectDir: project.dir,
  });
  return {
    url: running.url,
    client: new KeystrokeClient({ baseUrl: running.url }),
    close: async () => {
      await running.close();
      project.remove();
    },
  };
}

/** Resolves once the run has finished (any final status), following its events. */
export async function waitForRun(client: KeystrokeClient, runId: string): Promise<void> {
  const controller = new AbortController();
  for await (const event of client.streamEvents(runId, { signal: controller.signal })) {
    if (event.type === "run.finished") controller.abort();
  }
}
