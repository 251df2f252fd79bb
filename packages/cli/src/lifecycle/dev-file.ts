/**
 * `.keystroke/dev.json`: how the CLI in a project folder finds the dev server running for it
 * (target resolution). Written when `keystroke dev` listens, removed when it stops.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface DevFile {
  url: string;
  pid: number;
  project: string;
  startedAt: string;
}

export function devFilePath(projectDir: string): string {
  return join(projectDir, ".keystroke", "dev.json");
}

export function writeDevFile(projectDir: string, file: DevFile): void {
  mkdirSync(join(projectDir, ".keystroke"), { recursive: true });
  writeFileSync(devFilePath(projectDir), `${JSON.stringify(file, null, 2)}\n`);
}

/** Removes the file if it is still this process's (another dev server may have replaced it). */
export function removeDevFile(projectDir: string, pid = process.pid): void {
  try {
    const current = JSON.parse(readFileSync(devFilePath(projectDir), "utf8")) as Partial<DevFile>;
    if (current.pid === pid) rmSync(devFilePath(projectDir));
  } catch {
    // already gone
  }
}
