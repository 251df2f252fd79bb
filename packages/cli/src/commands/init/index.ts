/**
 * `keystroke init <dir> [--yes] [--project <slug>] [--organization <slug>] [--from <dir of tarballs>]`:
 * creates a project — keystroke.config.ts, tsconfig, package.json, an agent, an action and a
 * workflow. Asks before writing unless --yes; never writes into a folder that already has files.
 * The project depends on Keystroke from the registry, or on the tarballs in --from (what
 * `npm run pack` writes); run from a checkout that has packed them, it uses those.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { KeystrokeError, slugSchema } from "@keystroke/core";
import type { Command } from "commander";
import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";
import { commandAction } from "../../output/command-action.js";
import {
  checkoutPacksDir,
  hasTarballs,
  type KeystrokeDependencies,
  registryDependencies,
  tarballDependencies,
} from "./local-packages.js";
import { projectFiles } from "./project-files.js";

const initFlags = z.object({
  yes: z.boolean().optional(),
  project: slugSchema.optional(),
  organization: slugSchema.optional(),
  from: z.string().min(1, "expected a folder of Keystroke's package tarballs").optional(),
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

/**
 * Where the project gets Keystroke: --from, else the tarballs packed in this checkout, else the
 * registry; `note` says why when it is not the registry, or warns when a checkout has not packed.
 */
function keystrokeSource(
  from: string | undefined,
  dir: string,
  version: string,
): { packages: KeystrokeDependencies; note?: string } {
  if (from !== undefined) return { packages: tarballDependencies(from, dir, version) };
  const packs = checkoutPacksDir();
  if (packs === undefined) return { packages: registryDependencies(version) };
  const near = relative(process.cwd(), packs);
  const shown = near === "" ? "." : near.startsWith("..") ? packs : near;
  if (hasTarballs(packs, version)) {
    return {
      packages: tarballDependencies(packs, dir, version),
      note: `Keystroke comes from the tarballs in ${shown} (this keystroke runs from a checkout)`,
    };
  }
  return {
    packages: registryDependencies(version),
    note: `Note: this keystroke runs from a checkout; if Keystroke ${version} is not on the registry, run \`npm run pack\` in the checkout and init with --from ${shown}`,
  };
}

/** Adds `keystroke init`. */
export function configure(program: Command): void {
  const version = program.version() ?? "0.1.0";
  program
    .command("init")
    .description("Create a Keystroke project: config, an agent and an action")
    .argument("<dir>", "the folder to create (it must be empty or missing)")
    .option("--yes", "create without asking")
    .option("--project <slug>", "the project slug (default: from the folder name)")
    .option("--organization <slug>", "the organization slug", "my-org")
    .option("--from <dir>", "install Keystroke from the package tarballs in this folder (`npm run pack` writes them)")
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
        const source = keystrokeSource(flags.from, dir, version);
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
        const files = projectFiles(slug, flags.organization ?? "my-org", source.packages);
        for (const [name, text] of Object.entries(files)) {
          const path = join(dir, name);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, text, { flag: "wx" });
        }
        const shown = relative(process.cwd(), dir) || ".";
        context.say(`Created project ${slug} in ${shown}:`);
        for (const name of Object.keys(files)) context.say(`  ${name}`);
        if (source.note) context.say(source.note);
        context.say(`Next: cd ${shown} && npm install && npx keystroke dev`);
        return undefined;
      }),
    );
}
