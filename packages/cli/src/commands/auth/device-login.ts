/**
 * The device sign-in of `keystroke auth login` (docs/auth.md): the server hands out a code, the
 * person approves it in a browser where they are signed in, and the CLI polls until it gets its
 * session token or the code expires. The instructions go to stderr, so a script reading stdout
 * only ever sees the result.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { KeystrokeError } from "@keystroke/core";
import type { KeystrokeClient } from "keystroke/client";
import type { Progress } from "../../output/progress.js";
import { canOpenBrowser, openBrowser } from "./open-browser.js";

function expired(userCode: string): KeystrokeError {
  return new KeystrokeError("gone", `The sign-in code ${userCode} expired before it was approved`, {
    hint: "Run `keystroke auth login` again, and approve the code in the browser within its time",
  });
}

function remaining(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/**
 * Runs the device flow against `client`'s server and resolves with the session token.
 *
 * @example
 * const token = await deviceLogin(new KeystrokeClient({ baseUrl }), context.progress);
 */
export async function deviceLogin(client: KeystrokeClient, progress: Progress): Promise<string> {
  const login = await client.startDeviceLogin();
  process.stderr.write(`To sign in, open ${login.verificationUrl} and approve the code ${login.userCode}\n`);
  if (canOpenBrowser()) openBrowser(login.verificationUrl);
  const deadline = Date.now() + login.expiresIn * 1000;
  let interval = login.interval * 1000;
  for (;;) {
    progress.update(`Waiting for approval of ${login.userCode}… (expires in ${remaining(deadline - Date.now())})`);
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
    if (Date.now() >= deadline) throw expired(login.userCode);
    try {
      const poll = await client.pollDeviceLogin(login.deviceCode);
      if (poll.status === "approved") return poll.token;
    } catch (thrown) {
      if (!(thrown instanceof KeystrokeError)) throw thrown;
      if (thrown.code === "gone") throw expired(login.userCode);
      if (thrown.code !== "rate_limited") throw thrown;
      interval += 5000;
    }
  }
}
