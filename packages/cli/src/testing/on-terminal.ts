/**
 * Runs the CLI on a pseudo-terminal through `script` (util-linux), so stdout and stderr are TTYs,
 * the way a person sees it. Where `script` is missing, terminal tests are skipped with a warning,
 * except in CI, where they fail: there every test runs.
 */
import { spawn, spawnSync } from "node:child_process";
import { binPath } from "./run-cli.js";

/** Whether `script` can run here; throws in CI when it cannot. */
export const hasScript = spawnSync("script", ["--version"]).status === 0;
if (!hasScript) {
  if (process.env.CI) {
    throw new Error("`script` (util-linux) is missing: the terminal tests cannot run in CI without it");
  }
  console.warn("SKIPPING terminal tests: `script` (util-linux) is not installed");
}

const ansiEscape = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, "g");
const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/**
 * Runs the CLI on a terminal and resolves with what the screen showed (stdout and stderr
 * together, CRLF turned into LF); `redirect` sends stdout to a file instead.
 *
 * @example
 * const { code, screen } = await onTerminal(["history", "list", "--url", url]);
 */
export function onTerminal(
  args: readonly string[],
  redirect?: string,
  options: { cwd?: string } = {},
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, binPath, ...args].map(quote).join(" ") + (redirect ? ` > ${quote(redirect)}` : "");
  const { KEYSTROKE_URL: _ignored, ...env } = process.env;
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    cwd: options.cwd,
    env: { ...env, TERM: "dumb" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let screen = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    screen += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, screen: screen.replaceAll("\r\n", "\n") }));
  });
}

/**
 * What the screen shows at the end, line by line: each line as last drawn (the text after its
 * last carriage return, without escape sequences), so a progress line that was redrawn or cleared
 * reads as it ended.
 */
export function visibleText(screen: string): string {
  return screen
    .split("\n")
    .map((line) => (line.split("\r").at(-1) ?? "").replace(ansiEscape, ""))
    .join("\n");
}
