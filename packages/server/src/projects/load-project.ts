/**
 * Loads a Keystroke project from its folder: `keystroke.config.ts` plus every agent and action
 * exported from `src/agents` and `src/actions`. TypeScript is loaded through tsx's module API,
 * each load in a fresh module namespace, so a reload sees edited files without a restart.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { KeystrokeError } from "@keystroke/core";
import type { Action } from "keystroke/action";
import { isAction } from "keystroke/action";
import type { Agent } from "keystroke/agent";
import { isAgent } from "keystroke/agent";
import type { KeystrokeConfig } from "keystroke/config";
import { tsImport } from "tsx/esm/api";

export const CONFIG_FILE = "keystroke.config.ts";

export interface LoadedProject {
  dir: string;
  config: KeystrokeConfig;
  agents: Map<string, Agent>;
  actions: Map<string, Action>;
  /** The files loaded, relative to `dir`. */
  files: string[];
}

const SOURCE_FILE = /\.(ts|mts|js|mjs)$/;

async function sourceFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter(
      (e) =>
        e.isFile() &&
        SOURCE_FILE.test(e.name) &&
        !/\.(test|spec)\.[mc]?[jt]s$/.test(e.name) &&
        !e.name.endsWith(".d.ts"),
    )
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function importFile(file: string, dir: string): Promise<Record<string, unknown>> {
  try {
    return (await tsImport(pathToFileURL(file).href, { parentURL: pathToFileURL(join(dir, "/")).href })) as Record<
      string,
      unknown
    >;
  } catch (error) {
    if (error instanceof KeystrokeError) {
      throw new KeystrokeError(error.code, `${relative(dir, file)}: ${error.message}`, {
        hint: error.hint,
        details: error.details,
      });
    }
    throw new KeystrokeError(
      "invalid_input",
      `${relative(dir, file)} failed to load: ${error instanceof Error ? error.message : String(error)}`,
      {
        hint: "Fix the file; `keystroke dev` reloads when it changes",
        details: { file: relative(dir, file) },
        cause: error,
      },
    );
  }
}

function readConfig(value: unknown): KeystrokeConfig {
  const config = value as Partial<KeystrokeConfig> | undefined;
  if (!config || typeof config.project !== "string" || typeof config.organization !== "string") {
    throw new KeystrokeError(
      "invalid_input",
      `${CONFIG_FILE} must export default defineConfig({ organization, project })`,
      {
        details: { file: CONFIG_FILE },
      },
    );
  }
  return config as KeystrokeConfig;
}

/**
 * Loads the project in `dir`. Throws a KeystrokeError naming the file when the config is missing,
 * a file fails to load, or two agents (or actions) share a slug.
 *
 * @example
 * const project = await loadProject("examples/starter");
 * project.agents.get("support")?.description;
 */
export async function loadProject(projectDir: string): Promise<LoadedProject> {
  const dir = resolve(projectDir);
  const configFile = join(dir, CONFIG_FILE);
  if (!existsSync(configFile)) {
    throw new KeystrokeError("not_found", `No ${CONFIG_FILE} in ${dir}`, {
      hint: "Run `keystroke init <dir> --yes` to create a project, or run `keystroke dev` in a project folder",
    });
  }
  const config = readConfig((await importFile(configFile, dir)).default);
  const agents = new Map<string, Agent>();
  const actions = new Map<string, Action>();
  const files = [CONFIG_FILE];
  for (const file of [
    ...(await sourceFiles(join(dir, "src", "agents"))),
    ...(await sourceFiles(join(dir, "src", "actions"))),
  ]) {
    files.push(relative(dir, file));
    for (const value of Object.values(await importFile(file, dir))) {
      const found = isAgent(value) ? agents : isAction(value) ? actions : undefined;
      if (!found || !(isAgent(value) || isAction(value))) continue;
      const other = found.get(value.slug);
      if (other && other !== value) {
        throw new KeystrokeError(
          "conflict",
          `Two ${isAgent(value) ? "agents" : "actions"} have the slug "${value.slug}" (${relative(dir, file)})`,
          {
            hint: "Give each one its own slug: the slug is its key in History, routes and the CLI",
          },
        );
      }
      (found as Map<string, Agent | Action>).set(value.slug, value);
    }
  }
  return { dir, config, agents, actions, files };
}
