/**
 * Keystroke installs outside this repository, the way a new user starts: `npm run pack` writes
 * the public packages' tarballs, `keystroke init my-app --from <tarballs>` writes a project in a
 * temporary folder, `npm install` installs it (our packages from the tarballs, the rest from the
 * registry; better-sqlite3 may build from source, so this takes minutes), `npx keystroke dev`
 * serves it with the History page, an agent answers on the demo model, and
 * `npx keystroke history list` reads the run back.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, join, resolve, sep } from "node:path";
import { assertBuilt, runCli } from "@keystroke/cli/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packPackages, repoDir } from "../../scripts/pack.js";

const INSTALL_TIMEOUT_MS = 10 * 60_000;
const COMMAND_TIMEOUT_MS = 120_000;
const windows = process.platform === "win32";

/** The environment of a user's shell: nothing from an npm script of this repository or its bins. */
function userEnv(): NodeJS.ProcessEnv {
  const repo = resolve(repoDir) + sep;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== "KEYSTROKE_URL"),
  );
  const pathKey = Object.keys(env).find((key) => key.toUpperCase() === "PATH") ?? "PATH";
  env[pathKey] = (env[pathKey] ?? "")
    .split(delimiter)
    .filter((entry) => !(resolve(entry) + sep).startsWith(repo))
    .join(delimiter);
  return env;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, timeoutMs = COMMAND_TIMEOUT_MS): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env: userEnv(), shell: windows, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`${command} ${args.join(" ")} took over ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** Resolves with the first match of `pattern` in the child's stdout. */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((done, fail) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        done(match);
      }
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`keystroke dev exited ${code}:\n${output}`));
    });
  });
}

/** Stops `npx keystroke dev` and the server under it (npx does not pass the signal on). */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((done) => child.once("exit", done));
  const signal = (name: NodeJS.Signals) => {
    try {
      if (windows) child.kill(name);
      else process.kill(-(child.pid as number), name);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

describe("Keystroke installed from its tarballs outside the repository", () => {
  let parent: string;
  let dev: ChildProcess | undefined;

  beforeAll(() => {
    assertBuilt();
    parent = mkdtempSync(join(tmpdir(), "keystroke-packaging-"));
  });

  afterAll(async () => {
    if (dev) await stop(dev);
    rmSync(parent, { recursive: true, force: true });
  });

  it(
    "a project from `keystroke init --from` installs, serves with `npx keystroke dev`, and records a prompt that `npx keystroke history list` shows",
    async () => {
      const packs = join(parent, "packs");
      const tarballs = packPackages(packs);
      expect(tarballs.map((file) => basename(file)).sort()).toEqual([
        "keystroke-0.1.0.tgz",
        "keystroke-cli-0.1.0.tgz",
        "keystroke-core-0.1.0.tgz",
        "keystroke-server-0.1.0.tgz",
        "keystroke-store-0.1.0.tgz",
      ]);

      const init = await runCli(["init", "my-app", "--yes", "--from", packs], { cwd: parent });
      expect(init.stderr).toBe("");
      expect(init.stdout).toContain("Next: cd my-app && npm install && npx keystroke dev");
      const dir = join(parent, "my-app");

      const install = await run(
        "npm",
        ["install", "--no-audit", "--no-fund", "--prefer-offline"],
        dir,
        INSTALL_TIMEOUT_MS,
      );
      expect(install.code, install.stderr).toBe(0);
      const installed = (name: string) =>
        JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8")) as { version: string };
      for (const name of ["keystroke", "@keystroke/cli", "@keystroke/server", "@keystroke/store", "@keystroke/core"]) {
        expect(installed(name).version, name).toBe("0.1.0");
      }
      expect(
        existsSync(join(dir, "node_modules", "@keystroke", "cli", "src", "testing")),
        "tests are not shipped",
      ).toBe(false);
      const cliExports = JSON.parse(
        readFileSync(join(dir, "node_modules", "@keystroke", "cli", "package.json"), "utf8"),
      ) as { exports: Record<string, unknown> };
      expect(Object.keys(cliExports.exports), "no export of the test helpers").not.toContain("./testing");

      dev = spawn("npx", ["keystroke", "dev", "--port", "0", "--no-watch"], {
        cwd: dir,
        env: userEnv(),
        shell: windows,
        detached: !windows,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const [, url = ""] = await waitForOutput(dev, /History: (http:\/\/\S+)/, COMMAND_TIMEOUT_MS);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).not.toContain("The web page is not built");

      const prompt = await run(
        "npx",
        ["keystroke", "agents", "prompt", "assistant", "--message", "What time is it in Europe/Paris?"],
        dir,
      );
      expect(prompt.code, prompt.stderr).toBe(0);
      const session = JSON.parse(prompt.stdout) as {
        runId: string;
        status: string;
        messages: { parts: { type: string; name?: string }[] }[];
      };
      expect(session.status).toBe("success");
      expect(session.messages.flatMap((m) => m.parts)).toContainEqual(
        expect.objectContaining({ type: "tool_result", name: "get-time" }),
      );

      const history = await run("npx", ["keystroke", "history", "list"], dir);
      expect(history.code, history.stderr).toBe(0);
      expect((JSON.parse(history.stdout) as { runs: unknown[] }).runs).toContainEqual(
        expect.objectContaining({ runId: session.runId, slug: "assistant", status: "success", project: "my-app" }),
      );
    },
    15 * 60_000,
  );
});
