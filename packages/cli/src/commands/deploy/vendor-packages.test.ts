/**
 * A project that imports packages from its own node_modules — a CommonJS one with named exports,
 * an ES module with a default export and a subpath — deploys with those packages bundled
 * (through the built CLI, as a user runs it), and its workflow runs on a real team server
 * (SQLite, real HTTP) with their code: the server has none of them. `keystroke` and `zod` are never uploaded. A package the project imports but
 * does not have installed stops the deploy before anything is sent, naming it.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type RunningServer, startServer } from "@keystroke/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeProjectFiles } from "../../../../server/src/testing/project-files.js";
import { assertBuilt, runCli } from "../../testing/run-cli.js";
import { collectUpload } from "./project-upload.js";

const KEY = `ks_${randomBytes(32).toString("base64url")}`;

/** Packages installed in the project only (not in this repository, so not on the server). */
const installed: Record<string, string> = {
  "node_modules/ks-test-paths/package.json": JSON.stringify({ name: "ks-test-paths", main: "lib/index.js" }),
  "node_modules/ks-test-paths/lib/index.js": `const path = require("node:path");
const { suffix } = require("./suffix");
exports.joined = (a, b) => path.posix.join(a, b) + suffix;
exports.version = "1.2.3";
`,
  "node_modules/ks-test-paths/lib/suffix.js": `exports.suffix = "!";\n`,
  "node_modules/ks-test-words/package.json": JSON.stringify({
    name: "ks-test-words",
    type: "module",
    exports: { ".": "./index.js", "./extra": "./extra.js" },
  }),
  "node_modules/ks-test-words/index.js": `export const greet = (name) => "hello " + name;
export default function shout(text) { return text.toUpperCase(); }
`,
  "node_modules/ks-test-words/extra.js": `export const answer = 42;\n`,
};

const project: Record<string, string> = {
  "package.json": JSON.stringify({ name: "vendored", private: true, type: "module" }),
  "keystroke.config.ts": `import { defineConfig } from "keystroke/config";
export default defineConfig({ organization: "acme", project: "vendored" });
`,
  "src/workflows/words.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
import { joined, version } from "ks-test-paths";
import shout, { greet } from "ks-test-words";
import { answer } from "ks-test-words/extra";

export const words = defineWorkflow({
  slug: "words",
  name: "Words",
  description: "Uses the project's own packages",
  input: z.object({ name: z.string() }),
  output: z.record(z.string(), z.unknown()),
  async run({ name }, ctx) {
    return ctx.step("say", () => ({ joined: joined("a", "b"), version, greeting: shout(greet(name)), answer }));
  },
});
`,
};

function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

describe("deploying a project's own packages", () => {
  let dir: string;
  let running: RunningServer;

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), "keystroke-vendor-"));
    writeProjectFiles(join(dir, "app"), project);
    writeFiles(join(dir, "app"), installed);
    running = await startServer({
      port: 0,
      dbPath: join(dir, "server", "keystroke.db"),
      auth: {
        init: { organization: "acme", email: "owner@acme.test", password: "correct horse battery", apiKey: KEY },
      },
    });
    const created = await fetch(`${running.url}/api/organizations/acme/projects`, {
      method: "POST",
      headers: { "x-api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ slug: "vendored", name: "Vendored" }),
    });
    expect(created.status).toBe(200);
  }, 30_000);

  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("bundles the packages the project imports, and the server runs the project with them", async () => {
    const upload = await collectUpload(join(dir, "app"));
    const paths = Object.keys(upload.files).sort();
    expect(paths.filter((path) => path.startsWith("node_modules/"))).toEqual([
      "node_modules/ks-test-paths/index.js",
      "node_modules/ks-test-paths/package.json",
      "node_modules/ks-test-words/index.js",
      "node_modules/ks-test-words/package.json",
      "node_modules/ks-test-words/subpaths/extra.js",
    ]);
    expect(JSON.parse(upload.files["node_modules/ks-test-words/package.json"] ?? "")).toMatchObject({
      exports: { ".": "./index.js", "./extra": "./subpaths/extra.js" },
    });

    // Deployed the way a user does: the built CLI, signed in with the key, in the project's folder.
    const env = { KEYSTROKE_CONFIG_DIR: join(dir, "config") };
    const login = await runCli(["auth", "login", "--server", running.url, "--token", KEY], { env });
    expect(login.code, login.stderr).toBe(0);
    const deployed = await runCli(["deploy", "--json"], { cwd: join(dir, "app"), env });
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stderr).toContain("Packages bundled: ks-test-paths, ks-test-words");
    expect(JSON.parse(deployed.stdout)).toMatchObject({ hash: upload.hash, status: "live" });

    const api = (path: string, body: unknown) =>
      fetch(`${running.url}${path}`, {
        method: "POST",
        headers: { "x-api-key": KEY, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const started = await api("/api/workflows/words/runs", { input: { name: "ada" } });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    await expect
      .poll(
        async () => {
          const view = await fetch(`${running.url}/api/history/${runId}`, { headers: { "x-api-key": KEY } });
          return ((await view.json()) as { run: { output: unknown } }).run.output;
        },
        { timeout: 10_000 },
      )
      .toEqual({ joined: "a/b!", version: "1.2.3", greeting: "HELLO ADA", answer: 42 });
  }, 60_000);

  it("stops before uploading when the project imports a package it does not have", async () => {
    const broken = join(dir, "broken");
    writeProjectFiles(broken, {
      ...project,
      "src/workflows/words.ts": `import { missing } from "ks-test-not-installed";\nexport const value = missing;\n`,
    });
    await expect(collectUpload(broken)).rejects.toThrow(/ks-test-not-installed/);
  });
});
