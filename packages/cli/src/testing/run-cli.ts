/**
 * Runs the `keystroke` command (keystroke.js, which loads the bundle `npm run build` writes to
 * bin/) as a child process, the way a user or a script does: stdout and stderr are pipes, so
 * output is JSON unless a test asks otherwise.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const binPath = fileURLToPath(new URL("../../keystroke.js", import.meta.url));
const bundlePath = fileURLToPath(new URL("../../bin/keystroke.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to the environment; KEYSTROKE_URL is removed unless given here. */
  env?: Record<string, string>;
  cwd?: string;
}

/** Throws a clear error when the CLI has not been built. */
export function assertBuilt(): void {
  if (!existsSync(bundlePath)) {
    throw new Error(`${bundlePath} is missing: build first with \`npm run build\``);
  }
}

/**
 * @example
 * const { code, stdout } = await runCli(["history", "list", "--url", url]);
 */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const { KEYSTROKE_URL: _ignored, ...env } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: options.cwd,
      env: { ...env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the CLI and parses its stdout as JSON. */
export async function runCliJson<T = Record<string, unknown>>(
  args: readonly string[],
  options: CliOptions = {},
): Promise<{ code: number | null; json: T; stderr: string }> {
  const result = await runCli(args, options);
  if (result.code !== 0) {
    throw new Error(`keystroke ${args.join(" ")} exited ${result.code}\n${result.stderr}`);
  }
  return { code: result.code, json: JSON.parse(result.stdout) as T, stderr: result.stderr };
}
