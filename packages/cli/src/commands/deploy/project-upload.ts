/**
 * What `keystroke deploy` uploads: keystroke.config.ts, package.json and the source files under
 * src/ (not tests), as text, with the packages they import bundled under node_modules/
 * (vendor-packages.ts), capped at 5 MiB together; or, with a filter, one module's files, the
 * config and the packages they import. The content hash is `@keystroke/core/content-hash`:
 * SHA-256 over the files sorted by path, each as `path NUL text NUL`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import { contentHash } from "@keystroke/core/content-hash";
import { vendorPackages } from "./vendor-packages.js";

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

const CONFIG_FILE = "keystroke.config.ts";
const SOURCE = /\.(ts|js|mjs|json|md)$/;
const TEST = /\.(test|spec)\.[mc]?[jt]s$/;
const MODULE_EXTENSIONS = ["ts", "js", "mjs"];

export interface Upload {
  files: Record<string, string>;
  /** The packages bundled into `files` (vendor-packages.ts). */
  packages: string[];
  hash: string;
  bytes: number;
}

function sourceFiles(dir: string, under: string): string[] {
  if (!existsSync(join(dir, under))) return [];
  return readdirSync(join(dir, under), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && SOURCE.test(entry.name) && !TEST.test(entry.name))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .filter((path) => !path.split("/").some((part) => part.startsWith(".") || part === "node_modules"))
    .sort();
}

/** The files of `filter` (`agents/support`): src/agents/support.ts (or .js, .mjs), or the folder src/agents/support/. */
function moduleFiles(dir: string, filter: string): string[] {
  const folder = join(dir, "src", filter);
  if (existsSync(folder) && statSync(folder).isDirectory()) return sourceFiles(dir, join("src", filter));
  return MODULE_EXTENSIONS.map((extension) => `src/${filter}.${extension}`).filter((path) =>
    existsSync(join(dir, path)),
  );
}

/**
 * Collects the upload of the project in `dir`.
 *
 * @example (await collectUpload("./my-app")).files["keystroke.config.ts"];
 */
export async function collectUpload(dir: string, filter?: string): Promise<Upload> {
  const paths = filter
    ? [CONFIG_FILE, ...moduleFiles(dir, filter)]
    : [CONFIG_FILE, "package.json", ...sourceFiles(dir, "src")];
  if (filter && paths.length === 1) {
    throw new KeystrokeError("not_found", `--filter ${filter}: no src/${filter}.ts or src/${filter}/ in ${dir}`, {
      hint: "Name a module as agents/<name>, actions/<name>, workflows/<name> or triggers/<name>",
    });
  }
  let files: Record<string, string> = {};
  for (const path of paths) {
    if (existsSync(join(dir, path))) files[path] = readFileSync(join(dir, path), "utf8");
  }
  const vendored = await vendorPackages(dir, Object.keys(files));
  files = { ...files, ...vendored.files };
  const bytes = Object.values(files).reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  if (bytes > MAX_UPLOAD_BYTES) {
    throw new KeystrokeError("invalid_input", `The project's files hold ${bytes} bytes; a deploy holds at most 5 MiB`, {
      hint: "Keep data files out of src/, and large packages out of what the project imports",
    });
  }
  return { files, packages: vendored.packages, hash: contentHash(files), bytes };
}
