/**
 * Test projects live in temporary folders outside the repository, as a user's would. Each gets
 * its files and a node_modules that links this repository's sdk (`keystroke`) and zod, so the
 * project resolves `keystroke/agent`, `keystroke/workflow`… to the code under test.
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../../..", import.meta.url));

/**
 * Writes `files` (relative path → text) into `dir` and links its node_modules.
 *
 * @example
 * const dir = mkdtempSync(join(tmpdir(), "keystroke-x-"));
 * writeProjectFiles(dir, { "keystroke.config.ts": config, "src/agents/a.ts": agent });
 */
export function writeProjectFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(join(repo, "packages", "sdk"), join(dir, "node_modules", "keystroke"), "dir");
  symlinkSync(join(repo, "node_modules", "zod"), join(dir, "node_modules", "zod"), "dir");
}
