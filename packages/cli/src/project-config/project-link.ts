/**
 * The link between a project folder and a project on a team server: the `organization` and
 * `project` of its keystroke.config.ts. Target resolution reads it; `keystroke projects link`
 * writes it, replacing or inserting just those two properties and keeping the rest of the file.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import { type ConfigObject, findConfigObject, literalText } from "./config-object.js";

export const CONFIG_FILE = "keystroke.config.ts";

/** What a config names; either may be missing (or not a plain string). */
export interface ProjectLink {
  organization?: string | undefined;
  project?: string | undefined;
}

/** A keystroke.config.ts and what it links to. */
export interface LinkedConfig {
  path: string;
  link: ProjectLink;
}

/** The keystroke.config.ts of the project `from` is in: in `from` or its nearest ancestor that has one. */
export function findConfigFile(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * @example
 * readProjectLink('export default defineConfig({ organization: "acme", project: "support" });');
 * // → { organization: "acme", project: "support" }
 */
export function readProjectLink(source: string): ProjectLink {
  const object = findConfigObject(source);
  const value = (key: string) => {
    const property = object?.properties.find((p) => p.key === key);
    return property ? literalText(source, property) : undefined;
  };
  return { organization: value("organization"), project: value("project") };
}

/** The config of the project `cwd` is in, and what it links to; undefined outside a project. */
export function readLinkedConfig(cwd: string): LinkedConfig | undefined {
  const path = findConfigFile(cwd);
  if (path === undefined) return undefined;
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  return { path, link: readProjectLink(source) };
}

function indentOf(source: string, offset: number): string {
  const lineStart = source.lastIndexOf("\n", offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart))?.[0] ?? "";
}

function insertion(source: string, object: ConfigObject, entries: string[]): string {
  const inside = source.slice(object.open + 1, object.close);
  const first = object.properties[0];
  if (inside.includes("\n")) {
    const indent = first ? indentOf(source, first.keyStart) : `${indentOf(source, object.close)}  `;
    return entries.map((entry) => `\n${indent}${entry},`).join("");
  }
  if (!first) return ` ${entries.join(", ")} `;
  return /\s/.test(inside[0] ?? "") ? ` ${entries.join(", ")},` : `${entries.join(", ")}, `;
}

/**
 * `source` with `organization` and `project` set to `link`'s: each property's value replaced
 * where it exists, the missing ones inserted at the top of the object.
 *
 * @example
 * rewriteProjectLink('defineConfig({ project: "old" })', { organization: "acme", project: "support" }, path);
 * // → 'defineConfig({ organization: "acme", project: "support" })'
 */
export function rewriteProjectLink(source: string, link: Required<ProjectLink>, path: string): string {
  const object = findConfigObject(source);
  if (!object) {
    throw new KeystrokeError("invalid_input", `Cannot find \`defineConfig({ … })\` in ${path}`, {
      hint: `Its default export must be \`defineConfig({ … })\` with an object literal; or add organization: "${link.organization}" and project: "${link.project}" to it by hand`,
      details: { path },
    });
  }
  const edits: { start: number; end: number; text: string }[] = [];
  const missing: string[] = [];
  for (const key of ["organization", "project"] as const) {
    const text = JSON.stringify(link[key]);
    const property = object.properties.find((p) => p.key === key);
    if (!property) missing.push(`${key}: ${text}`);
    else if (property.value) edits.push({ ...property.value, text });
    else edits.push({ start: property.keyStart, end: property.keyEnd, text: `${key}: ${text}` });
  }
  if (missing.length > 0) {
    edits.push({ start: object.open + 1, end: object.open + 1, text: insertion(source, object, missing) });
  }
  let result = source;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  return result;
}

/** Rewrites the config at `path` to link `link`'s organization and project. */
export function writeProjectLink(path: string, link: Required<ProjectLink>): void {
  writeFileSync(path, rewriteProjectLink(readFileSync(path, "utf8"), link, path));
}
