/**
 * Chromium for the web page's end-to-end tests, against the page as built. The tests serve
 * packages/web/dist, so a build older than the page's sources would test yesterday's page and
 * pass or fail for the wrong reason: they refuse to run on one and say how to rebuild
 * (`npm test` builds first).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const builtPage = join(repo, "packages/web/dist/index.html");
/** What the built page is made of: the web app and the core catalogs it bundles. */
const pageSources = ["packages/web/src", "packages/web/public", "packages/web/index.html", "packages/core/src/catalog"];

function newestSource(): { file: string; time: number } {
  let newest = { file: "", time: 0 };
  for (const source of pageSources) {
    const path = join(repo, source);
    const files = statSync(path).isDirectory()
      ? readdirSync(path, { recursive: true, encoding: "utf8" }).map((name) => join(path, name))
      : [path];
    for (const file of files) {
      if (file.endsWith(".test.ts")) continue;
      const time = statSync(file).mtimeMs;
      if (time > newest.time) newest = { file, time };
    }
  }
  return newest;
}

/**
 * Throws unless packages/web/dist holds a build at least as new as the page's sources.
 *
 * @example
 * beforeAll(() => assertWebPageBuilt());
 */
export function assertWebPageBuilt(): void {
  if (!existsSync(builtPage)) {
    throw new Error("The web page is not built: run `npm run build` (npm test does) before the e2e tests.");
  }
  const newest = newestSource();
  if (statSync(builtPage).mtimeMs < newest.time) {
    throw new Error(
      `The built web page (packages/web/dist) is older than ${newest.file.slice(repo.length)}: ` +
        "run `npm run build` (npm test does) so the e2e tests see the page as its sources are now.",
    );
  }
}

/**
 * Debian's headless Chromium, or the one `CHROMIUM_PATH` names.
 *
 * @example
 * const browser = await launchChromium();
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
}
