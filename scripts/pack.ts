/**
 * `npm run pack [-- --out <dir>]`: writes the tarballs of Keystroke's public packages (core, store,
 * sdk as `keystroke`, server, cli) to packs/, or to --out, as `npm publish` would upload them. Each
 * package is packed from a copy in which its dependencies on the other Keystroke packages name
 * their exact version, and the server's copy carries the built web page in dist/web, so the
 * tarballs install together outside this repository: `keystroke init my-app --from packs`.
 * Run `npm run build` first (`npm run pack` does).
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository this script belongs to. */
export const repoDir = fileURLToPath(new URL("..", import.meta.url));

/** The public packages, by folder under packages/. */
export const publicPackages = ["core", "store", "sdk", "server", "cli"] as const;

/** Files `npm run build` writes that a tarball needs; a missing one means the build has not run. */
const builtFiles = [
  "packages/core/dist/index.js",
  "packages/store/dist/index.js",
  "packages/sdk/dist/index.js",
  "packages/server/dist/index.js",
  "packages/cli/dist/index.js",
  "packages/cli/bin/keystroke.js",
  "packages/web/dist/index.html",
];

const dependencyFields = ["dependencies", "optionalDependencies", "peerDependencies"] as const;

interface PackageJson {
  name: string;
  version: string;
  [field: string]: unknown;
}

function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
}

/**
 * The package.json as published: every dependency on a sibling package names its exact version,
 * and the `./testing` export (test helpers, left out of the tarball) is gone.
 */
function pinSiblings(manifest: PackageJson, versions: Map<string, string>): PackageJson {
  const { "./testing": _testing, ...exports } = (manifest.exports ?? {}) as Record<string, unknown>;
  const pinned: PackageJson = { ...manifest, ...(manifest.exports ? { exports } : {}) };
  for (const field of dependencyFields) {
    const deps = manifest[field] as Record<string, string> | undefined;
    if (!deps) continue;
    pinned[field] = Object.fromEntries(
      Object.entries(deps).map(([name, range]) => [name, versions.get(name) ?? range]),
    );
  }
  return pinned;
}

/**
 * Packs every public package into outDir and returns the tarballs' paths.
 *
 * @example
 * packPackages(join(repoDir, "packs")); // → [".../keystroke-core-0.1.0.tgz", …]
 */
export function packPackages(outDir: string): string[] {
  const missing = builtFiles.filter((file) => !existsSync(join(repoDir, file)));
  if (missing.length) throw new Error(`${missing.join(", ")} missing: run \`npm run build\` first`);
  const dirs = publicPackages.map((name) => join(repoDir, "packages", name));
  const versions = new Map(dirs.map((dir) => readPackageJson(dir)).map((m) => [m.name, m.version]));
  mkdirSync(outDir, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), "keystroke-pack-"));
  try {
    return dirs.map((dir) => {
      const stage = join(staging, basename(dir));
      cpSync(dir, stage, {
        recursive: true,
        filter: (path) => !relative(dir, path).split(/[\\/]/).includes("node_modules"),
      });
      const manifest = pinSiblings(readPackageJson(dir), versions);
      writeFileSync(join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
      if (manifest.name === "@keystroke/server") {
        cpSync(join(repoDir, "packages", "web", "dist"), join(stage, "dist", "web"), { recursive: true });
      }
      const output = execFileSync("npm", ["pack", stage, "--pack-destination", outDir, "--ignore-scripts", "--json"], {
        cwd: staging,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
        shell: process.platform === "win32",
      });
      const [packed] = JSON.parse(output) as [{ filename: string }];
      return join(outDir, packed.filename);
    });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = process.argv.indexOf("--out");
  // `npm run` starts scripts at the repository root; INIT_CWD is where it was typed.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const outDir = flag >= 0 ? resolve(cwd, process.argv[flag + 1] ?? "") : join(repoDir, "packs");
  for (const tarball of packPackages(outDir)) console.log(relative(cwd, tarball) || tarball);
}
