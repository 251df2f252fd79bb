/**
 * Which server a command talks to. Resolution order: the --url flag, then
 * KEYSTROKE_URL, then the `.keystroke/dev.json` a local server wrote in this directory or an
 * ancestor, then the default local address.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { KeystrokeError } from "@keystroke/core";

/** Where `keystroke serve` listens by default. */
export const DEFAULT_URL = "http://127.0.0.1:3400";

/** The resolved server, and where its URL came from. */
export interface Target {
  url: string;
  /** Where the URL came from, in words: "--url", "KEYSTROKE_URL", a dev.json path, or "the default". */
  source: string;
}

/** What resolution reads; each defaults to this process's own. */
export interface TargetInputs {
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * @example
 * resolveTarget({ flag: undefined, env: process.env, cwd: process.cwd() });
 * // → { url: "http://127.0.0.1:3400", source: "the default" }
 */
export function resolveTarget({ flag, env = process.env, cwd = process.cwd() }: TargetInputs): Target {
  if (flag !== undefined) return { url: checkUrl(flag, "--url"), source: "--url" };
  const fromEnv = env.KEYSTROKE_URL?.trim();
  if (fromEnv) return { url: checkUrl(fromEnv, "KEYSTROKE_URL"), source: "KEYSTROKE_URL" };
  const devFile = findDevFile(cwd);
  if (devFile !== undefined) return { url: readDevFile(devFile), source: devFile };
  return { url: DEFAULT_URL, source: "the default" };
}

/** `http://127.0.0.1:3400 (from KEYSTROKE_URL)`. */
export function describeTarget(target: Target): string {
  return target.source === "the default" ? `${target.url} (the default)` : `${target.url} (from ${target.source})`;
}

function findDevFile(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, ".keystroke", "dev.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (thrown) {
    return (thrown as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readDevFile(path: string): string {
  let file: { url?: unknown; pid?: unknown } | null;
  try {
    file = JSON.parse(readFileSync(path, "utf8")) as { url?: unknown; pid?: unknown } | null;
  } catch (thrown) {
    throw invalidDevFile(path, thrown);
  }
  const url = file?.url;
  if (typeof url !== "string") throw invalidDevFile(path);
  if (typeof file?.pid === "number" && !isRunning(file.pid)) {
    throw new KeystrokeError("unreachable", `The dev server that wrote ${path} (process ${file.pid}) is not running`, {
      hint: "Start it again with `keystroke dev`, point --url / KEYSTROKE_URL elsewhere, or delete the file",
      details: { path, url, pid: file.pid },
    });
  }
  return checkUrl(url, path);
}

function invalidDevFile(path: string, cause?: unknown): KeystrokeError {
  return new KeystrokeError("invalid_input", `Invalid ${path}: expected { "url": "http://…" }`, {
    hint: "Restart the local server so it writes the file again, or delete it",
    details: { problems: [{ path, message: 'expected { "url": "http://…" }' }] },
    cause,
  });
}

function checkUrl(value: string, from: string): string {
  let protocol = "";
  try {
    protocol = new URL(value).protocol;
  } catch {
    // reported below
  }
  if (protocol === "http:" || protocol === "https:") return value;
  throw new KeystrokeError("invalid_input", `Invalid ${from} "${value}": expected an http(s) URL`, {
    hint: "Use a URL such as http://127.0.0.1:3400",
    details: { problems: [{ path: from, message: "expected an http(s) URL" }] },
  });
}
