/**
 * Trigger costs, beside baselines from the same run:
 * - a webhook request that creates a workflow run (signature off), server-side time per request
 *   (Fastify's elapsed time from request to reply) p50/p99, beside a bare route answering 202 on
 *   the same server;
 * - 1,000 cron attachments (each firing once a minute, spread over the 60 seconds): the trigger
 *   clock's wake-ups per second, beside the ticks per second they deliver.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, hostProject } from "@keystroke/server";
import { openSqliteStore } from "@keystroke/store";
import { writeProjectFiles } from "../packages/server/src/testing/project-files.js";
import { heading, ms, percentile, table } from "./report.js";

const REQUESTS = 1000;
const WARM_UP = 100;
const CRON_ATTACHMENTS = 1000;
const CRON_SECONDS = 10;

function writeProject(triggers: string): string {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-bench-triggers-"));
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "bench-triggers", private: true, type: "module" }),
    "keystroke.config.ts": `import { defineConfig } from "keystroke/config";\nexport default defineConfig({ organization: "bench", project: "triggers" });\n`,
    "src/workflows/record.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
export const record = defineWorkflow({
  slug: "record", name: "Record", description: "Returns its input",
  input: z.record(z.string(), z.unknown()), output: z.record(z.string(), z.unknown()),
  async run(input) { return input; },
});
`,
    "src/triggers/triggers.ts": triggers,
  };
  writeProjectFiles(dir, files);
  return dir;
}

async function serve(triggers: string) {
  const dir = writeProject(triggers);
  const store = openSqliteStore(join(dir, ".keystroke", "bench.db"));
  const server = createServer({ store });
  const elapsed = new Map<string, number[]>();
  server.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "?";
    const list = elapsed.get(route) ?? [];
    list.push(reply.elapsedTime);
    elapsed.set(route, list);
  });
  server.post("/bench/bare", async (_request, reply) => reply.code(202).send({ ok: true }));
  const project = await hostProject(server, dir);
  await server.listen({ host: "127.0.0.1", port: 0 });
  const address = server.server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    server,
    store,
    url,
    elapsed,
    close: async () => {
      project.close();
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function benchWebhook(): Promise<void> {
  const running = await serve(`import { defineWebhookSource } from "keystroke/trigger";
import { z } from "zod";
import { record } from "../workflows/record.js";
export default defineWebhookSource({
  slug: "orders", name: "Orders", description: "Order events", endpoint: "/orders",
  request: z.object({ orderId: z.string() }),
}).attach({ workflow: record });
`);
  try {
    const post = (path: string, i: number) =>
      fetch(`${running.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ orderId: `A-${i}` }),
      }).then((r) => r.arrayBuffer());
    for (let i = 0; i < WARM_UP; i++) {
      await post("/bench/bare", i);
      await post("/api/triggers/orders", i);
    }
    running.elapsed.clear();
    for (let i = 0; i < REQUESTS; i++) {
      await post("/bench/bare", i);
      await post("/api/triggers/orders", i);
    }
    const bare = running.elapsed.get("/bench/bare") ?? [];
    const hook = running.elapsed.get("/api/triggers/:endpoint") ?? [];
    heading(`Webhook → workflow run created (${REQUESTS} sequential requests, server-side time)`);
    table([
      ["route", "p50", "p99"],
      ["bare 202 route (baseline)", ms(percentile(bare, 50)), ms(percentile(bare, 99))],
      ["POST /api/triggers/orders (run recorded)", ms(percentile(hook, 50)), ms(percentile(hook, 99))],
    ]);
  } finally {
    await running.close();
  }
}

async function benchCron(): Promise<void> {
  const lines = [
    `import { defineCronSource } from "keystroke/trigger";`,
    `import { record } from "../workflows/record.js";`,
  ];
  for (let i = 0; i < CRON_ATTACHMENTS; i++) {
    lines.push(
      `export const c${i} = defineCronSource({ slug: "c${i}", name: "C${i}", description: "Once a minute", schedule: "${i % 60} * * * * *" }).attach({ workflow: record });`,
    );
  }
  const running = await serve(`${lines.join("\n")}\n`);
  try {
    const startWakeups = running.server.triggers.clockWakeups;
    const countRuns = async () => (await running.store.listRuns({ kind: ["workflow"] }, { limit: 1000 })).runs.length;
    const startRuns = await countRuns();
    await new Promise((resolve) => setTimeout(resolve, CRON_SECONDS * 1000));
    const wakeups = running.server.triggers.clockWakeups - startWakeups;
    const runs = (await countRuns()) - startRuns;
    heading(`${CRON_ATTACHMENTS} cron attachments, each once a minute (${CRON_SECONDS} s)`);
    table([
      ["figure", "per second"],
      [
        "ticks delivered (runs started; a timer per attachment would wake this often)",
        (runs / CRON_SECONDS).toFixed(1),
      ],
      ["trigger clock wake-ups (one timer for all)", (wakeups / CRON_SECONDS).toFixed(2)],
    ]);
  } finally {
    await running.close();
  }
}

export async function benchTriggers(): Promise<void> {
  await benchWebhook();
  await benchCron();
}
