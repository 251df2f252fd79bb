/**
 * Keystroke's packages as tarballs in a folder (what `npm run pack` writes in a checkout), for a
 * project created before they are on the registry or from an unpublished checkout: the project
 * depends on the tarballs by `file:` path, so `npm install` takes them from the folder and only
 * other packages from the registry.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { KeystrokeError } from "@keystroke/core";

/** The packages a project installs: the two it depends on first, then what they depend on. */
export const projectPackages = ["@keystroke/cli", "keystroke"] as const;
const supportingPackages = ["@keystroke/server", "@keystroke/store", "@keystroke/core"] as const;

/** The name `npm pack` gives a package's tarball: `@keystroke/cli` 0.1.0 → keystroke-cli-0.1.0.tgz. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;
}

/** How a new project's package.json names Keystroke's packages. */
export interface KeystrokeDependencies {
  /** `@keystroke/cli` and `keystroke`: a registry range, or a `file:` path to a tarball. */
  dependencies: Record<string, string>;
  /** With tarballs, the packages they depend on, pinned to their tarballs too. */
  overrides?: Record<string, string>;
}

/** The registry release of `version`. */
export function registryDependencies(version: string): KeystrokeDependencies {
  return { dependencies: Object.fromEntries(projectPackages.map((name) => [name, `^${version}`])) };
}

/**
 * The tarballs of `version` in `folder`, as `file:` paths relative to the project at `projectDir`.
 * Throws, naming the file, when one is missing.
 *
 * @example
 * tarballDependencies("../packs", "/tmp/my-app", "0.1.0").dependencies.keystroke; // "file:../packs/keystroke-0.1.0.tgz"
 */
export function tarballDependencies(folder: string, projectDir: string, version: string): KeystrokeDependencies {
  const dir = resolve(folder);
  const spec = (name: string) => {
    const file = join(dir, tarballName(name, version));
    if (!existsSync(file)) {
      throw new KeystrokeError("not_found", `No ${name} ${version} tarball (${tarballName(name, version)}) in ${dir}`, {
        hint: "Run `npm run pack` in a Keystroke checkout of this version; it writes every tarball to its packs/ folder",
      });
    }
    return `file:${relative(projectDir, file).split(sep).join("/")}`;
  };
  return {
    dependencies: Object.fromEntries(projectPackages.map((name) => [name, spec(name)])),
    overrides: Object.fromEntries(supportingPackages.map((name) => [name, spec(name)])),
  };
}

/**
 * When this program runs from a Keystroke checkout (not from an installed package), the folder
 * `npm run pack` writes its tarballs to, whether or not it has run; otherwise undefined.
 */
export function checkoutPacksDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  const repo = resolve(dir, "..", "..");
  try {
    const root = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { workspaces?: unknown };
    const isCheckout =
      Array.isArray(root.workspaces) &&
      root.workspaces.includes("packages/cli") &&
      join(repo, "packages", "cli") === dir;
    return isCheckout ? join(repo, "packs") : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `folder` holds this version's tarball of every package a project needs. */
export function hasTarballs(folder: string, version: string): boolean {
  if (!existsSync(folder)) return false;
  const files = new Set(readdirSync(folder));
  return [...projectPackages, ...supportingPackages].every((name) => files.has(tarballName(name, version)));
}
