/**
 * The servers a user starts, for benchmarks: `keystroke serve` on a SQLite file, `keystroke dev`
 * on a project folder, or the null receiver, each in a process of its own, resolved with its URL
 * once it listens.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

/** This checkout's `keystroke` command. */
export const thisCli = join(import.meta.dirname, "..", "packages", "cli", "keystroke.js");

function started(child: ChildProcess): Promise<{ url: string; child: ChildProcess }> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    lines.on("line", (line) => {
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0];
      if (url) resolve({ url, child });
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/**
 * `keystroke serve --port 0 --db <dbPath>`, of `cli` (another build, to compare with); open
 * (`--no-auth`) when the build has sign-in, since the benchmarks send no credential.
 */
export function startServe(dbPath: string, cli = thisCli): Promise<{ url: string; child: ChildProcess }> {
  const help = spawnSync(process.execPath, [cli, "serve", "--help"], { encoding: "utf8" }).stdout ?? "";
  const open = help.includes("--no-auth") ? ["--no-auth"] : [];
  return started(
    spawn(process.execPath, [cli, "serve", "--port", "0", "--db", dbPath, ...open], {
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
}

/** `keystroke dev --port 0` of `cli` on a new, empty project in `dir` (a config and no agents). */
export function startDev(dir: string, cli = thisCli): Promise<{ url: string; child: ChildProcess }> {
  mkdirSync(join(dir, "src", "agents"), { recursive: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  // The project imports `keystroke` as an installed app would: this repository's sdk, linked.
  symlinkSync(join(import.meta.dirname, "..", "packages", "sdk"), join(dir, "node_modules", "keystroke"), "dir");
  writeFileSync(join(dir, "package.json"), '{ "name": "bench-project", "private": true, "type": "module" }\n');
  writeFileSync(
    join(dir, "keystroke.config.ts"),
    'import { defineConfig } from "keystroke/config";\n\nexport default defineConfig({ organization: "bench", project: "bench" });\n',
  );
  return started(
    spawn(process.execPath, [cli, "dev", "--port", "0", "--dir", dir], { stdio: ["ignore", "pipe", "inherit"] }),
  );
}

/** bench/null-receiver.ts. */
export function startNullReceiver(): Promise<{ url: string; child: ChildProcess }> {
  const script = join(import.meta.dirname, "null-receiver.ts");
  return started(spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] }));
}
