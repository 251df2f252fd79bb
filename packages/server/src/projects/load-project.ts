/**
 * Loads a Keystroke project from its folder: `keystroke.config.ts` plus every agent, action and
 * workflow exported from `src/agents`, `src/actions` and `src/workflows`. TypeScript is loaded
 * through tsx's module API, each load in a fresh module namespace, so a reload sees edited files without a restart.
 */
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { KeystrokeError, toKeystrokeError } from "@keystroke/core";
import type { Action } from "keystroke/action";
import { isAction } from "keystroke/action";
import type { Agent } from "keystroke/agent";
import { isAgent } from "keystroke/agent";
import type { KeystrokeConfig } from "keystroke/config";
import { isTriggerAttachment, type TriggerAttachment } from "keystroke/trigger";
import type { Workflow } from "keystroke/workflow";
import { isWorkflow } from "keystroke/workflow";
import { tsImport } from "tsx/esm/api";
import { resolveSlackGateway, type SlackGateway } from "../gateways/slack/slack-settings.js";
import { TriggerRegistry } from "../triggers/trigger-registry.js";
import { parseSchedule } from "../triggers/trigger-schedule.js";

export const CONFIG_FILE = "keystroke.config.ts";

export interface LoadedProject {
  dir: string;
  config: KeystrokeConfig;
  agents: Map<string, Agent>;
  actions: Map<string, Action>;
  workflows: Map<string, Workflow>;
  /** The trigger attachments exported from `src/triggers` (checked against the agents and workflows). */
  triggers?: TriggerAttachment[];
  /** The files loaded, relative to `dir`. */
  files: string[];
  /** The gateways of `config`, checked against the agents, with their secrets read from the environment. */
  gateways: { slack?: SlackGateway };
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
    // The project loads its own copy of the sdk, whose KeystrokeError is another class: match by name.
    if (error instanceof Error && error.name === "KeystrokeError") {
      const refused = toKeystrokeError(error);
      throw new KeystrokeError(refused.code, `${relative(dir, file)}: ${refused.message}`, {
        hint: refused.hint,
        details: refused.details,
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

/**
 * A file of a project whose package.json lacks `"type": "module"` loads as CommonJS, and its
 * exports arrive wrapped in `default`: look through that wrapper rather than finding nothing.
 */
function defaultExport(module: Record<string, unknown>): unknown {
  const value = module.default as { default?: unknown; project?: unknown } | undefined;
  return value && value.project === undefined && value.default !== undefined ? value.default : value;
}

function exportedValues(module: Record<string, unknown>): unknown[] {
  const values = Object.values(module);
  const wrapped = module.default;
  if (typeof wrapped === "object" && wrapped !== null && Object.getPrototypeOf(wrapped) === Object.prototype) {
    values.push(...Object.values(wrapped));
  }
  return [...new Set(values)];
}

function readConfig(value: unknown): KeystrokeConfig {
  const config = value as Partial<KeystrokeConfig> | undefined;
  if (!config || typeof config.project !== "string") {
    throw new KeystrokeError("invalid_input", `${CONFIG_FILE} must export default defineConfig({ project })`, {
      details: { file: CONFIG_FILE },
    });
  }
  return config as KeystrokeConfig;
}

/** The attachment, once croner accepts its source's schedule; else the error names the file. */
function checkTriggerSchedule(attachment: TriggerAttachment, file: string): TriggerAttachment {
  const { source } = attachment;
  if (source.kind === "webhook") return attachment;
  try {
    parseSchedule(source.schedule, source.kind === "cron" ? source.timezone : undefined, source.slug);
  } catch (error) {
    if (!(error instanceof KeystrokeError)) throw error;
    throw new KeystrokeError(error.code, `${file}: ${error.message}`, {
      hint: error.hint,
      details: { ...(error.details as object), file },
    });
  }
  return attachment;
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
  const config = readConfig(defaultExport(await importFile(configFile, dir)));
  const agents = new Map<string, Agent>();
  const actions = new Map<string, Action>();
  const workflows = new Map<string, Workflow>();
  const triggers: TriggerAttachment[] = [];
  const files = [CONFIG_FILE];
  for (const file of [
    ...(await sourceFiles(join(dir, "src", "agents"))),
    ...(await sourceFiles(join(dir, "src", "actions"))),
    ...(await sourceFiles(join(dir, "src", "workflows"))),
    ...(await sourceFiles(join(dir, "src", "triggers"))),
  ]) {
    files.push(relative(dir, file));
    for (const value of exportedValues(await importFile(file, dir))) {
      if (isTriggerAttachment(value)) {
        if (!triggers.includes(value)) triggers.push(checkTriggerSchedule(value, relative(dir, file)));
        continue;
      }
      const found = isAgent(value) ? agents : isAction(value) ? actions : isWorkflow(value) ? workflows : undefined;
      if (!found || !(isAgent(value) || isAction(value) || isWorkflow(value))) continue;
      const other = found.get(value.slug);
      if (other && other !== value) {
        throw new KeystrokeError(
          "conflict",
          `Two ${isAgent(value) ? "agents" : isAction(value) ? "actions" : "workflows"} have the slug "${value.slug}" (${relative(dir, file)})`,
          {
            hint: "Give each one its own slug: the slug is its key in History, routes and the CLI",
          },
        );
      }
      (found as Map<string, Agent | Action | Workflow>).set(value.slug, value);
    }
  }
  const slack = resolveSlackGateway(config, [...agents.keys()], process.env);
  try {
    new TriggerRegistry(triggers, { workflows: [...workflows.keys()], agents: [...agents.keys()] });
  } catch (error) {
    if (!(error instanceof KeystrokeError)) throw error;
    throw new KeystrokeError(error.code, `src/triggers: ${error.message}`, {
      hint: error.hint,
      details: error.details,
    });
  }
  return { dir, config, agents, actions, workflows, triggers, files, gateways: slack ? { slack } : {} };
}
