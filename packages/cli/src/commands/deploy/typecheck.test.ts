import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { typecheck } from "./typecheck.js";

const typescript = fileURLToPath(new URL("../../../../../node_modules/typescript", import.meta.url));
let dir: string;

function project(source: string, withTypescript: boolean): string {
  dir = mkdtempSync(join(tmpdir(), "keystroke-typecheck-"));
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true } }));
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src", "a.ts"), source);
  if (withTypescript) {
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(typescript, join(dir, "node_modules", "typescript"), "dir");
  }
  return dir;
}

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("typecheck before a deploy", () => {
  it("runs the project's own tsc and refuses a type error, showing it", () => {
    expect(typecheck(project("export const n: number = 1;\n", true))).toEqual({ checked: true });
    rmSync(dir, { recursive: true, force: true });
    expect(() => typecheck(project('export const n: number = "one";\n', true))).toThrow(/Type errors[\s\S]*TS2322/);
  }, 30_000);

  it("says why it skipped a project without TypeScript", () => {
    expect(typecheck(project('export const n: number = "one";\n', false))).toEqual({
      checked: false,
      reason: "TypeScript is not installed in the project (`npm install` adds it)",
    });
  });
});
