/**
 * A tiny Keystroke project with workflows, written into a temporary folder (with `keystroke` and
 * `zod` linked from this repository, as after `npm install`), for tests that start and follow
 * real workflow runs:
 * - `greet` `{ name }` → `{ greeting }`: steps `shout`, then `flaky`, which fails its first
 *   attempt and passes on its retry;
 * - `explode` `{}`: step `boom` throws "the fuse was lit";
 * - `nap` `{}`: sleeps an hour;
 * - `approve` `{}`: waits on a hook, then returns the posted body.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeProjectFiles } from "../../../server/src/testing/project-files.js";

const files: Record<string, string> = {
  "package.json": JSON.stringify({ name: "workflow-test", private: true, type: "module" }),
  "keystroke.config.ts": `import { defineConfig } from "keystroke/config";
export default defineConfig({ organization: "acme", project: "workflow-test" });
`,
  "src/workflows/greet.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";

export const greet = defineWorkflow({
  slug: "greet",
  name: "Greet",
  description: "Greets someone loudly",
  input: z.object({ name: z.string() }),
  output: z.object({ greeting: z.string() }),
  retries: { attempts: 2, initialMs: 0 },
  async run({ name }, ctx) {
    const loud = await ctx.step("shout", () => name.toUpperCase());
    await ctx.step("flaky", (step) => {
      if (step.attempt === 1) throw new Error("not yet");
      return true;
    });
    return { greeting: \`HELLO \${loud}\` };
  },
});
`,
  "src/workflows/explode.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";

export const explode = defineWorkflow({
  slug: "explode",
  name: "Explode",
  description: "Always fails",
  input: z.object({}),
  output: z.object({}),
  async run(_input, ctx) {
    await ctx.step("boom", () => {
      throw new Error("the fuse was lit");
    });
    return {};
  },
});
`,
  "src/workflows/nap.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";

export const nap = defineWorkflow({
  slug: "nap",
  name: "Nap",
  description: "Sleeps an hour",
  input: z.object({}),
  output: z.object({ rested: z.boolean() }),
  async run(_input, ctx) {
    await ctx.sleep("1h");
    return { rested: true };
  },
});
`,
  "src/workflows/approve.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";

export const approve = defineWorkflow({
  slug: "approve",
  name: "Approve",
  description: "Waits for a person to approve",
  input: z.object({}),
  output: z.object({ approved: z.boolean() }),
  async run(_input, ctx) {
    const decision = await ctx.hook({ schema: z.object({ approved: z.boolean() }), timeout: "1d" });
    return decision;
  },
});
`,
};

export interface WorkflowProject {
  dir: string;
  /** Deletes the folder. */
  remove(): void;
}

/** Writes the project into a new temporary folder. */
export function writeWorkflowProject(): WorkflowProject {
  const dir = mkdtempSync(join(tmpdir(), "keystroke-workflows-"));
  writeProjectFiles(dir, files);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
