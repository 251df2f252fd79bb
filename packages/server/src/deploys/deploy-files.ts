/**
 * The files of a deploy: which paths an upload may carry, and the folder a deploy is written to
 * (its content hash, which the CLI computes alike, is `@keystroke/core/content-hash`). The folder
 * is content-addressed (`<root>/<org>/<project>/<hash>/`). Its `node_modules` resolves
 * `keystroke` and `zod` (and whatever else the server has) to the server's own copies, and the
 * packages the project imports to the bundles the CLI uploaded under `node_modules/<package>/`.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KeystrokeError } from "@keystroke/core";

/** The cap on a deploy's files, together: 5 MiB of text. */
export const MAX_DEPLOY_BYTES = 5 * 1024 * 1024;
export const MAX_DEPLOY_FILES = 2000;

const ROOT_FILES = new Set(["keystroke.config.ts", "package.json"]);
const SOURCE_PATH = /^src\/(?:[A-Za-z0-9_@.-]+\/)*[A-Za-z0-9_@.-]+\.(?:ts|js|json|mjs|md)$/;
/** A bundled package: `node_modules/<name>/…` or `node_modules/@<scope>/<name>/…`, JavaScript or JSON. */
const PACKAGE_PATH =
  /^node_modules\/((?:@[A-Za-z0-9_.-]+\/)?[A-Za-z0-9_.-]+)\/(?:[A-Za-z0-9_@.-]+\/)*[A-Za-z0-9_@.-]+\.(?:js|json)$/;
/** Packages a deploy always takes from the server: a second copy would not know the server's agents and schemas. */
const SERVER_PACKAGES = new Set(["keystroke", "zod"]);

/** Why `path` may not be deployed, or undefined when it may. */
function refusalOf(path: string): string | undefined {
  if (ROOT_FILES.has(path)) return undefined;
  if (path.split("/").some((part) => part === "." || part === ".." || part === "")) {
    return "expected a relative path without . or .. segments";
  }
  const bundled = PACKAGE_PATH.exec(path)?.[1];
  if (bundled !== undefined) {
    return SERVER_PACKAGES.has(bundled) ? `expected no copy of ${bundled}: deploys use the server's` : undefined;
  }
  if (!SOURCE_PATH.test(path)) {
    return "expected keystroke.config.ts, package.json, a .ts, .js, .mjs, .json or .md file under src/, or a bundled package under node_modules/";
  }
  return undefined;
}

/** The packages an upload carries bundled (their names). */
function bundledPackages(files: Record<string, string>): string[] {
  const names = new Set<string>();
  for (const path of Object.keys(files)) {
    const name = PACKAGE_PATH.exec(path)?.[1];
    if (name !== undefined) names.add(name);
  }
  return [...names];
}

/** `files` when every path may be deployed and the whole fits the cap; else `invalid_input` naming them. */
export function checkDeployFiles(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new KeystrokeError("invalid_input", "files: expected an object of path → text", {
      details: { problems: [{ path: "files", message: "expected an object of path → text" }] },
    });
  }
  const entries = Object.entries(value);
  const problems = entries.flatMap(([path, text]) => {
    const refusal = typeof text === "string" ? refusalOf(path) : "expected the file's text";
    return refusal ? [{ path: `files.${path}`, message: refusal }] : [];
  });
  if (problems.length > 0) {
    throw new KeystrokeError("invalid_input", `files: ${problems[0]?.path} — ${problems[0]?.message}`, {
      hint: "A deploy carries keystroke.config.ts, package.json, the source files under src/ and the packages they import, bundled",
      details: { problems },
    });
  }
  const bytes = entries.reduce((sum, [, text]) => sum + Buffer.byteLength(text as string), 0);
  if (bytes > MAX_DEPLOY_BYTES || entries.length > MAX_DEPLOY_FILES) {
    throw new KeystrokeError(
      "invalid_input",
      `files: ${entries.length} files of ${bytes} bytes; a deploy holds at most ${MAX_DEPLOY_FILES} files and ${MAX_DEPLOY_BYTES} bytes`,
      {
        hint: "Keep data files out of src/, and large packages out of what the project imports",
        details: { files: entries.length, bytes },
      },
    );
  }
  return value as Record<string, string>;
}

/** The `node_modules` folder this server resolves `keystroke` (and its `zod`) from. */
export function serverModulesDir(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules", "keystroke", "package.json"))) return join(dir, "node_modules");
    if (dirname(dir) === dir) {
      throw new KeystrokeError("internal", "The server cannot find the keystroke package to link deploys to");
    }
  }
}

/**
 * Gives the deploy folder the server's packages: a link to its node_modules folder, or, when the
 * deploy brings packages of its own, a folder of links to each of the server's packages but those.
 */
function linkServerModules(dir: string, bundled: readonly string[]): void {
  const server = serverModulesDir();
  if (bundled.length === 0) {
    symlinkSync(server, join(dir, "node_modules"), "dir");
    return;
  }
  const own = new Set(bundled);
  const scopes = new Set(bundled.filter((name) => name.startsWith("@")).map((name) => name.split("/")[0] as string));
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  for (const entry of readdirSync(server)) {
    if (entry.startsWith(".") || own.has(entry)) continue;
    if (!scopes.has(entry)) {
      symlinkSync(join(server, entry), join(dir, "node_modules", entry), "dir");
      continue;
    }
    // A scope some of whose packages the deploy brings: link the others one by one.
    for (const name of readdirSync(join(server, entry))) {
      if (own.has(`${entry}/${name}`)) continue;
      mkdirSync(join(dir, "node_modules", entry), { recursive: true });
      symlinkSync(join(server, entry, name), join(dir, "node_modules", entry, name), "dir");
    }
  }
}

/**
 * Writes `files` to `<root>/<org>/<project>/<hash>/` unless that folder exists (same hash, same
 * files), through a temporary folder renamed into place. Returns the folder, and whether this
 * call created it.
 */
export function writeDeployFolder(
  root: string,
  at: { organization: string; project: string; hash: string },
  files: Record<string, string>,
): { dir: string; created: boolean } {
  const dir = join(root, at.organization, at.project, at.hash);
  if (existsSync(dir)) return { dir, created: false };
  const staging = `${dir}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(staging, path)), { recursive: true });
      writeFileSync(join(staging, path), text);
    }
    linkServerModules(staging, bundledPackages(files));
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(dir)) return { dir, created: false };
    throw error;
  }
  return { dir, created: true };
}
