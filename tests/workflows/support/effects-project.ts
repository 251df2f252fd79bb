/**
 * A Keystroke project in a temporary folder whose workflows leave countable effects: each action
 * appends one line `${idempotencyKey} ${attempt}` to the file its input names (attempt = the
 * lines already there for that key, plus one) — after a short pause, and before another, so a
 * kill can land before a step's effect, after its effect but before its journal entry, or between
 * steps. Its node_modules link to this repository's packages, as an installed project's would.
 * - `order` `{ effects, n }`: reserve, charge, sleep 1 s, charge again, ship; at most two run at
 *   once, so some wait Queued.
 * - `nap` `{ ms }`: sleeps `ms`, then the step `woke` returns the time it ran (journaled).
 * - `wake` `{ effects, ms }`: sleeps `ms`, then the step `woke` appends its line to `effects`.
 * - `many` `{ effects, steps, ms }`: `steps` steps `mark` (each appends its line), a sleep of
 *   `ms`, then the step `done`: a run whose journal is longer than a page of events.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeProjectFiles } from "@keystroke/server/testing";

/** The actions of `order`, in the order its steps run them (`charge` twice). */
export const ORDER_STEPS = ["reserve#1", "charge#1", "sleep#1", "charge#2", "ship#1"] as const;
/** The steps of `order` that leave an effect. */
export const EFFECT_STEPS = ["reserve#1", "charge#1", "charge#2", "ship#1"] as const;

const files: Record<string, string> = {
  "package.json": JSON.stringify({ name: "workflow-crash", private: true, type: "module" }),
  "keystroke.config.ts": `import { defineConfig } from "keystroke/config";
export default defineConfig({ organization: "acme", project: "workflow-crash" });
`,
  "src/effects.ts": `import { appendFileSync, existsSync, readFileSync } from "node:fs";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends \`\${key} \${attempt}\` to \`file\` between two pauses; the attempt counts this key's lines. */
export async function effect(file: string, key: string | undefined): Promise<{ key: string }> {
  if (!key) throw new Error("an effect needs the step's idempotency key");
  await pause(50);
  const earlier = existsSync(file) ? readFileSync(file, "utf8").split("\\n").filter((line) => line.startsWith(key + " ")) : [];
  appendFileSync(file, \`\${key} \${earlier.length + 1}\\n\`);
  await pause(200);
  return { key };
}
`,
  "src/actions/orders.ts": `import { defineAction } from "keystroke/action";
import { z } from "zod";
import { effect } from "../effects.js";

const input = z.object({ effects: z.string(), n: z.number() });
const output = z.object({ key: z.string() });

export const reserve = defineAction({
  slug: "reserve", name: "Reserve", description: "Reserves the stock", input, output,
  run: ({ effects }, { idempotencyKey }) => effect(effects, idempotencyKey),
});
export const charge = defineAction({
  slug: "charge", name: "Charge", description: "Charges the card", service: "payments", input, output,
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

const between = () => new Promise((resolve) => setTimeout(resolve, 15));

export const order = defineWorkflow({
  slug: "order", name: "Order", description: "Reserves, charges, waits, charges again and ships",
  input: z.object({ effects: z.string(), n: z.number() }),
  output: z.object({ n: z.number(), keys: z.array(z.string()) }),
  concurrency: 2,
  async run(input, ctx) {
    const keys: string[] = [];
    keys.push((await reserve.run(input)).key);
    await between();
    keys.push((await charge.run(input)).key);
    await between();
    await ctx.sleep("1s");
    keys.push((await charge.run(input)).key);
    await between();
    keys.push((await ship.run(input)).key);
    return { n: input.n, keys };
  },
});
`,
  "src/workflows/wake.ts": `import { appendFileSync } from "node:fs";
import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";

export const wake = defineWorkflow({
  slug: "wake", name: "Wake", description: "Sleeps, then notes in the effects file that it woke",
  input: z.object({ effects: z.string(), ms: z.number() }),
  output: z.object({ woke: z.boolean() }),
  async run({ effects, ms }, ctx) {
    await ctx.sleep(ms);
    await ctx.step("woke", (step) => appendFileSync(effects, \`\${step.idempotencyKey} \${step.attempt}\\n\`));
    return { woke: true };
  },
});
`,
  "src/workflows/many.ts": `import { appendFileSync } from "node:fs";
import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";

export const many = defineWorkflow({
  slug: "many", name: "Many", description: "Many small steps, a sleep, one more step",
  input: z.object({ effects: z.string(), steps: z.number(), ms: z.number() }),
  output: z.object({ steps: z.number() }),
  async run({ effects, steps, ms }, ctx) {
    const mark = (step: { idempotencyKey: string; attempt: number }) =>
      appendFileSync(effects, \`\${step.idempotencyKey} \${step.attempt}\\n\`);
    for (let i = 0; i < steps; i++) await ctx.step("mark", mark);
    await ctx.sleep(ms);
    await ctx.step("done", mark);
    return { steps };
  },
});
`,
  "src/workflows/nap.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";

export const nap = defineWorkflow({
  slug: "nap", name: "Nap", description: "Sleeps, then notes when it woke",
  input: z.object({ ms: z.number() }),
  output: z.object({ woke: z.number() }),
  async run({ ms }, ctx) {
    await ctx.sleep(ms);
    return { woke: await ctx.step("woke", () => Date.now()) };
  },
});
`,
};

/** Writes the project into a new temporary folder; returns the folder. */
export function writeEffectsProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-workflow-crash-"));
  writeProjectFiles(dir, files);
  return dir;
}
