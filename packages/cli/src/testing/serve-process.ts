/**
 * `keystroke serve`, `keystroke dev` or `keystroke worker` as a child process, for tests that stop
 * it with a signal or kill it: resolves once the server prints the URL it listens on (a worker,
 * once it says it runs).
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { binPath } from "./run-cli.js";

export interface ServeProcess {
  url: string;
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code (or the signal) once the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `keystroke serve <args>`; rejects if it exits or stays silent for `timeoutMs`. */
export function startServeProcess(
  args: readonly string[],
  timeoutMs = 20_000,
  env?: NodeJS.ProcessEnv,
): Promise<ServeProcess> {
  return startServerProcess("serve", args, { timeoutMs, ...(env ? { env } : {}) });
}

/** Starts `keystroke worker <args>` with `env` added; `url` is the database it names (no password). */
export function startWorkerProcess(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ServeProcess> {
  return startServerProcess("worker", args, options);
}

/** Starts `keystroke dev <args>` in `cwd` with `env` added; resolves once it prints its History URL. */
export function startDevProcess(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ServeProcess> {
  return startServerProcess("dev", args, options);
}

const readyLines = {
  serve: /Keystroke is listening on (\S+)/,
  dev: /History: (\S+)/,
  worker: /Keystroke worker on (\S+)/,
};

function startServerProcess(
  command: "serve" | "dev" | "worker",
  args: readonly string[],
  { cwd, env, timeoutMs = 20_000 }: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [binPath, command, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    cwd,
    env: { ...process.env, ...env },
  });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`keystroke ${command} printed no URL within ${timeoutMs}ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      const match = readyLines[command].exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], child, output: () => ({ stdout, stderr }), exited });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`keystroke ${command} exited (${code ?? signal}) before listening\n${stdout}\n${stderr}`));
    });
  });
}
