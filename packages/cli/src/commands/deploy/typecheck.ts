/**
 * The typecheck before a deploy: the project's own TypeScript (`tsc --noEmit` with its
 * tsconfig.json), run as a child process. A project without a tsconfig.json, or without
 * TypeScript installed, is not checked, and the deploy says so.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { KeystrokeError } from "@keystroke/core";

const SHOWN_LINES = 40;

export type TypecheckResult = { checked: true } | { checked: false; reason: string };

function typescriptOf(dir: string): string | undefined {
  try {
    const manifest = createRequire(join(dir, "package.json")).resolve("typescript/package.json");
    return join(dirname(manifest), "bin", "tsc");
  } catch {
    return undefined;
  }
}

/** Checks the project in `dir`; throws `invalid_input` with the compiler's errors when it finds any. */
export function typecheck(dir: string): TypecheckResult {
  if (!existsSync(join(dir, "tsconfig.json"))) return { checked: false, reason: "no tsconfig.json" };
  const tsc = typescriptOf(dir);
  if (!tsc) return { checked: false, reason: "TypeScript is not installed in the project (`npm install` adds it)" };
  const result = spawnSync(process.execPath, [tsc, "--noEmit", "-p", dir], { cwd: dir, encoding: "utf8" });
  if (result.status === 0) return { checked: true };
  const lines = `${result.stdout}${result.stderr}`.trim().split("\n");
  const shown = lines.slice(0, SHOWN_LINES).join("\n");
  throw new KeystrokeError("invalid_input", `Type errors; nothing was deployed:\n${shown}`, {
    hint: `${lines.length > SHOWN_LINES ? `${lines.length - SHOWN_LINES} more lines: run \`npx tsc --noEmit\`. ` : ""}Fix them and deploy again`,
    details: { errors: lines },
  });
}
