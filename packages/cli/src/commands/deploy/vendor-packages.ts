/**
 * The packages a deployed project imports besides `keystroke`, `zod` and Node's built-ins travel
 * with the deploy: each import specifier the project's code uses (`date-fns`, `lodash/merge`,
 * `@acme/sdk`) is bundled from the project's own node_modules into one ES module, uploaded as
 * `node_modules/<package>/…` with a package.json whose `exports` maps each specifier to its
 * bundle. On the server those resolve before the server's own packages, so the project runs
 * against the versions it was built with. `keystroke` and `zod` stay the server's (a second copy
 * of either would not recognise the server's agents and schemas).
 *
 * A CommonJS package exports what Node's own loader finds in it: its names are read by importing
 * it here, as the project's code would locally, and re-exported by name. Each specifier is bundled
 * on its own, so two specifiers sharing a dependency carry a copy each.
 */
import { isBuiltin } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { KeystrokeError } from "@keystroke/core";

/** Resolved to the server's copies, never uploaded. */
const SERVER_PACKAGES = new Set(["keystroke", "zod"]);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Lets bundled CommonJS code `require` Node's built-ins from inside an ES module. */
const REQUIRE_BANNER =
  'import { createRequire as __keystrokeCreateRequire } from "node:module"; const require = __keystrokeCreateRequire(import.meta.url);';

type Esbuild = typeof import("esbuild");

/** `@scope/name/sub` → `{ name: "@scope/name", subpath: "sub" }`. */
function splitSpecifier(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split("/");
  const size = specifier.startsWith("@") ? 2 : 1;
  return { name: parts.slice(0, size).join("/"), subpath: parts.slice(size).join("/") };
}

const isServerPackage = (specifier: string) => SERVER_PACKAGES.has(splitSpecifier(specifier).name);

function buildError(what: string, error: unknown): KeystrokeError {
  const failure = error as { errors?: { text: string; location?: { file: string; line: number } | null }[] };
  const first = failure.errors?.[0];
  const where = first?.location ? ` (${first.location.file}:${first.location.line})` : "";
  return new KeystrokeError("invalid_input", `${what}: ${first?.text ?? String(error)}${where}`, {
    hint: "Install the project's dependencies (npm install) before deploying",
  });
}

/** The package specifiers the project's files import, besides the server's packages and Node's built-ins. */
async function importedPackages(esbuild: Esbuild, dir: string, entries: string[]): Promise<string[]> {
  let result: import("esbuild").BuildResult<{ metafile: true; write: false }>;
  try {
    result = await esbuild.build({
      entryPoints: entries.map((path) => join(dir, path)),
      absWorkingDir: dir,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      write: false,
      metafile: true,
      outdir: join(dir, ".keystroke", "deploy-scan"),
      logLevel: "silent",
    });
  } catch (error) {
    throw buildError("The project's imports could not be read", error);
  }
  const specifiers = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const { path, external } of input.imports) {
      if (external && !isBuiltin(path) && !path.startsWith(".") && !isServerPackage(path)) specifiers.add(path);
    }
  }
  return [...specifiers].sort();
}

/** The names a CommonJS file exports as Node's loader sees them (importing it, as the project would). */
async function commonJsNames(file: string): Promise<string[]> {
  const namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  return Object.keys(namespace).filter((name) => name !== "default" && IDENTIFIER.test(name));
}

/** One specifier bundled into an ES module's text. */
async function bundleSpecifier(esbuild: Esbuild, dir: string, specifier: string): Promise<string> {
  const quoted = JSON.stringify(specifier);
  const options = {
    absWorkingDir: dir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    metafile: true,
    logLevel: "silent",
    external: [...SERVER_PACKAGES].flatMap((name) => [name, `${name}/*`]),
    banner: { js: REQUIRE_BANNER },
  } as const;
  const build = (contents: string) =>
    esbuild.build({ ...options, stdin: { contents, resolveDir: dir, loader: "js", sourcefile: "entry.js" } });
  let probe: Awaited<ReturnType<typeof build>>;
  try {
    probe = await build(`export * from ${quoted};`);
  } catch (error) {
    throw buildError(`The package ${specifier} could not be bundled`, error);
  }
  const entry = Object.values(probe.metafile.inputs)
    .flatMap((input) => input.imports)
    .find((imported) => imported.original === specifier);
  const resolved = entry ? probe.metafile.inputs[entry.path] : undefined;
  let names = "*";
  if (entry && resolved?.format === "cjs") {
    names = `{ ${(await commonJsNames(join(dir, entry.path))).join(", ")} }`;
  }
  const withDefault = `export ${names} from ${quoted};\nexport { default } from ${quoted};`;
  const withoutDefault = `export ${names} from ${quoted};`;
  for (const contents of [withDefault, withoutDefault]) {
    try {
      const bundled = await build(contents);
      return (bundled.outputFiles[0] as { text: string }).text;
    } catch (error) {
      if (contents === withoutDefault) throw buildError(`The package ${specifier} could not be bundled`, error);
    }
  }
  throw new Error("unreachable");
}

/**
 * The upload files of the packages the files `entries` (paths in `dir`) import, and their names.
 *
 * @example
 * await vendorPackages("./my-app", ["keystroke.config.ts", "src/actions/lookup.ts"]);
 * // { files: { "node_modules/date-fns/package.json": "…", "node_modules/date-fns/index.js": "…" }, packages: ["date-fns"] }
 */
export async function vendorPackages(
  dir: string,
  entries: string[],
): Promise<{ files: Record<string, string>; packages: string[] }> {
  const scripts = entries.filter((path) => /\.(ts|mts|js|mjs)$/.test(path));
  if (scripts.length === 0) return { files: {}, packages: [] };
  // esbuild is CommonJS: its API is the namespace's names, or its default export where a bundler wrapped it.
  const loaded = (await import("esbuild")) as Esbuild & { default?: Esbuild };
  const esbuild = typeof loaded.build === "function" ? loaded : (loaded.default as Esbuild);
  const byPackage = new Map<string, string[]>();
  for (const specifier of await importedPackages(esbuild, dir, scripts)) {
    const { name } = splitSpecifier(specifier);
    byPackage.set(name, [...(byPackage.get(name) ?? []), specifier]);
  }
  const files: Record<string, string> = {};
  for (const [name, specifiers] of byPackage) {
    const exports: Record<string, string> = {};
    for (const specifier of specifiers) {
      const { subpath } = splitSpecifier(specifier);
      const file = subpath === "" ? "index.js" : `subpaths/${subpath}.js`;
      exports[subpath === "" ? "." : `./${subpath}`] = `./${file}`;
      files[`node_modules/${name}/${file}`] = await bundleSpecifier(esbuild, dir, specifier);
    }
    files[`node_modules/${name}/package.json`] = `${JSON.stringify({ name, type: "module", exports }, null, 2)}\n`;
  }
  return { files, packages: [...byPackage.keys()] };
}
