/**
 * The project the replica tests host on every process: a workflow whose steps leave countable
 * effects, and an agent on the offline demo model. Each effect appends `${idempotencyKey} ${pid}`
 * to the file its input names — after a short pause and before another, so a kill lands before a
 * step's effect, after it but before its journal entry, or between steps — which tells a test
 * which process ran each step and how often.
 * - `order` `{ effects, n }`: reserve, charge, sleep 300 ms, charge again, ship.
 * - `slow` `{}`: a step, a sleep of 1.5 s, a step — long enough to follow it live.
 * - the agent `support`, on the offline demo model.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeProjectFiles } from "@keystroke/server/testing";

/** The steps of `order` that leave an effect, in order. */
export const EFFECT_STEPS = ["reserve#1", "charge#1", "charge#2", "ship#1"] as const;

const files: Record<string, string> = {
  "package.json": JSON.stringify({ name: "team-project", private: true, type: "module" }),
  "keystroke.config.ts": `import { defineConfig } from "keystroke/config";
export default defineConfig({ project: "team" });
`,
  "src/actions/orders.ts": `import { appendFileSync } from "node:fs";
import { defineAction } from "keystroke/action";
import { z } from "zod";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const input = z.object({ effects: z.string(), n: z.number() });
const output = z.object({ key: z.string() });

async function effect(file: string, key: string | undefined): Promise<{ key: string }> {
  if (!key) throw new Error("an effect needs the step's idempotency key");
  await pause(40);
  appendFileSync(file, \`\${key} \${process.pid}\\n\`);
  await pause(120);
  return { key };
}

export const reserve = defineAction({
  slug: "reserve", name: "Reserve", description: "Reserves the stock", input, output,
  run: ({ effects }, { idempotencyKey }) => effect(effects, idempotencyKey),
});
export const charge = defineAction({
  slug: "charge", name: "Charge", description: "Charges the card", input, output,
  run: ({ effects }, { idempotencyKey }) => effect(effects, idempotencyKey),
});
export const ship = defineAction({
  slug: "ship", name: "Ship", description: "Hands the parcel over", input, output,
  run: ({ effects }, { idempotencyKey }) => effect(effects, idempotencyKey),
});
`,
  "src/workflows/order.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
import { charge, reserve, ship } from "../actions/orders.js";

export const order = defineWorkflow({
  slug: "order", name: "Order", description: "Reserves, charges, waits, charges again and ships",
  input: z.object({ effects: z.string(), n: z.number() }),
  output: z.object({ n: z.number(), keys: z.array(z.string()) }),
  async run(input, ctx) {
    const keys: string[] = [];
    keys.push((await reserve.run(input)).key);
    keys.push((await charge.run(input)).key);
    await ctx.sleep(300);
    keys.push((await charge.run(input)).key);
    keys.push((await ship.run(input)).key);
    return { n: input.n, keys };
  },
});
`,
  "src/workflows/slow.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";

export const slow = defineWorkflow({
  slug: "slow", name: "Slow", description: "A step, a long sleep, a step",
  input: z.object({}),
  output: z.object({ done: z.boolean() }),
  async run(_input, ctx) {
    await ctx.step("first", () => true);
    await ctx.sleep(1500);
    await ctx.step("last", () => true);
    return { done: true };
  },
});
`,
  "src/agents/support.ts": `import { defineAgent } from "keystroke/agent";

export const support = defineAgent({
  slug: "support", name: "Support", description: "Answers customers",
  systemPrompt: "You answer customers briefly.", model: "demo/support",
});
`,
};

/** Writes the project into a new temporary folder; returns the folder. */
export function writeTeamProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-team-"));
  writeProjectFiles(dir, files);
  return dir;
}
