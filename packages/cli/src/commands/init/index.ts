/**
 * `keystroke init <dir> [--yes] [--project <slug>] [--organization <slug>]`: creates a project —
 * keystroke.config.ts, tsconfig, package.json, an agent and an action. Asks before writing unless
 * --yes; never writes into a folder that already has files.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { KeystrokeError, slugSchema } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";
import { projectFiles } from "./project-files.js";

const initFlags = z.object({
  yes: z.boolean().optional(),
  project: slugSchema.optional(),
  organization: slugSchema.optional(),
});

const toSlug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+|-+$/g, "") || "my-app";

async function confirm(question: string): Promise<boolean> {
  const readline = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await readline.question(question)).trim());
  } finally {
    readline.close();
  }
}

/** Adds `keystroke init`. */
export function configure(program: Command): void {
  program
    .command("init")
    .description("Create a Keystroke project: config, an agent and an action")
    .argument("<dir>", "the folder to create (it must be empty or missing)")
    .option("--yes", "create without asking")
    .option("--project <slug>", "the project slug (default: from the folder name)")
    .option("--organization <slug>", "the organization slug", "my-org")
    .action(
      commandAction(async (command, context) => {
        const [dirArg = ""] = command.args;
        const flags = parseOptions(initFlags, command.opts());
        const dir = resolve(dirArg);
        if (existsSync(dir) && readdirSync(dir).some((name) => name !== ".git")) {
          throw new KeystrokeError("conflict", `${dir} is not empty`, {
            hint: "Pick a new folder name, or empty this one first; init never overwrites files",
          });
        }
        if (!flags.yes) {
          if (!process.stdin.isTTY) {
            throw new KeystrokeError("invalid_input", "init needs --yes when it cannot ask (no terminal)", {
              hint: `Run \`keystroke init ${dirArg} --yes\``,
            });
          }
          if (!(await confirm(`Create a Keystroke project in ${dir}? [y/N] `))) {
            context.say("Nothing created");
            return undefined;
          }
        }
        const slug = flags.project ?? toSlug(basename(dir));
        const files = projectFiles(slug, flags.organization ?? "my-org");
        for (const [name, text] of Object.entries(files)) {
          const path = join(dir, name);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, text, { flag: "wx" });
        }
        const shown = relative(process.cwd(), dir) || ".";
        context.say(`Created project ${slug} in ${shown}:`);
        for (const name of Object.keys(files)) context.say(`  ${name}`);
        context.say(`Next: cd ${shown} && npm install && npx keystroke dev`);
        return undefined;
      }),
    );
}
