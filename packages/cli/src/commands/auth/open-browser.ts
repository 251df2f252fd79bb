/**
 * Opens a URL in the user's browser for the device sign-in, the way the platform does it
 * (`open`, `start`, `xdg-open`), detached so the CLI never waits on it. Failing to open one is
 * fine: the URL is printed too.
 */
import { spawn } from "node:child_process";

/** Whether to open a browser: a person is at the terminal, and this is not CI. */
export function canOpenBrowser(env: NodeJS.ProcessEnv = process.env): boolean {
  return process.stdout.isTTY === true && !env.CI;
}

/** @example openBrowser("https://keystroke.example.com/device?code=ABCD-EFGH"); */
export function openBrowser(url: string): void {
  const [command, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", '""', url.replace(/&/g, "^&")]]
        : ["xdg-open", [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: "ignore" });
    child.on("error", () => {});
    child.unref();
  } catch {
    // the URL is printed; the user opens it
  }
}
