import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../../../../tests/support/closed-port.js";
import { startTestServer, type TestServer } from "../../../server/src/testing/test-server.js";
import { assertBuilt, runCli } from "../testing/run-cli.js";
import { DEFAULT_URL, resolveTarget } from "./resolve-target.js";

function project(devJson?: string): { root: string; nested: string } {
  const root = mkdtempSync(join(tmpdir(), "keystroke-target-"));
  const nested = join(root, "src", "agents");
  mkdirSync(nested, { recursive: true });
  if (devJson !== undefined) {
    mkdirSync(join(root, ".keystroke"));
    writeFileSync(join(root, ".keystroke", "dev.json"), devJson);
  }
  return { root, nested };
}

describe("resolveTarget", () => {
  const roots: string[] = [];
  const make = (devJson?: string) => {
    const dirs = project(devJson);
    roots.push(dirs.root);
    return dirs;
  };
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it("prefers --url, then KEYSTROKE_URL, then dev.json, then the default", () => {
    const { root, nested } = make('{ "url": "http://127.0.0.1:4100" }');
    const env = { KEYSTROKE_URL: "http://127.0.0.1:4200" };
    expect(resolveTarget({ flag: "http://127.0.0.1:4300", env, cwd: nested })).toEqual({
      url: "http://127.0.0.1:4300",
      source: "--url",
    });
    expect(resolveTarget({ env, cwd: nested })).toEqual({ url: "http://127.0.0.1:4200", source: "KEYSTROKE_URL" });
    expect(resolveTarget({ env: { KEYSTROKE_URL: " " }, cwd: nested })).toEqual({
      url: "http://127.0.0.1:4100",
      source: join(root, ".keystroke", "dev.json"),
    });
    const bare = make();
    expect(resolveTarget({ env: {}, cwd: bare.nested })).toEqual({ url: DEFAULT_URL, source: "the default" });
  });

  it.each([
    ["not json", "Invalid"],
    ['{ "port": 3400 }', 'expected { "url": "http://…" }'],
    ['{ "url": "localhost:3400" }', "expected an http(s) URL"],
  ])("refuses a dev.json of %j", (content, message) => {
    const { nested } = make(content);
    expect(() => resolveTarget({ env: {}, cwd: nested })).toThrow(KeystrokeError);
    expect(() => resolveTarget({ env: {}, cwd: nested })).toThrow(message);
  });

  it("names a dev.json whose dev server is gone, instead of trying its dead URL", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, ["-e", ""]);
    const pid = child.pid as number;
    await new Promise((resolve) => child.on("exit", resolve));
    const { nested } = make(JSON.stringify({ url: "http://127.0.0.1:4100", pid }));
    expect(() => resolveTarget({ env: {}, cwd: nested })).toThrow(`(process ${pid}) is not running`);
    const alive = make(JSON.stringify({ url: "http://127.0.0.1:4100", pid: process.pid }));
    expect(resolveTarget({ env: {}, cwd: alive.nested }).url).toBe("http://127.0.0.1:4100");
  });

  it("refuses a KEYSTROKE_URL or --url that is not an http(s) URL, naming where it came from", () => {
    expect(() => resolveTarget({ env: { KEYSTROKE_URL: "127.0.0.1:3400" } })).toThrow(
      'Invalid KEYSTROKE_URL "127.0.0.1:3400": expected an http(s) URL',
    );
    expect(() => resolveTarget({ flag: "nope", env: {} })).toThrow('Invalid --url "nope"');
  });
});

describe("keystroke target resolution", () => {
  let server: TestServer;
  let dirs: { root: string; nested: string };

  beforeAll(async () => {
    assertBuilt();
    server = await startTestServer();
    await server.client.ingest({
      events: [
        {
          eventId: "evt_target_1",
          type: "run.created",
          runId: "run_01JDA0000000000000000TARGT",
          time: new Date().toISOString(),
          kind: "workflow",
          slug: "target-check",
          name: "Target check",
          project: "acme",
          source: "api",
          trigger: { label: "API" },
          actor: { type: "system", id: "test" },
        },
      ],
    });
    dirs = project(JSON.stringify({ url: server.url }));
  });
  afterAll(async () => {
    await server?.close();
    if (dirs) rmSync(dirs.root, { recursive: true, force: true });
  });

  const listedSlugs = (stdout: string) => (JSON.parse(stdout) as { runs: { slug: string }[] }).runs.map((r) => r.slug);

  it("uses KEYSTROKE_URL", async () => {
    const result = await runCli(["history", "list"], { env: { KEYSTROKE_URL: server.url }, cwd: tmpdir() });
    expect(result.code).toBe(0);
    expect(listedSlugs(result.stdout)).toEqual(["target-check"]);
  });

  it("finds .keystroke/dev.json in an ancestor of the current directory", async () => {
    const result = await runCli(["history", "list", "--verbose"], { cwd: dirs.nested });
    expect(result.code).toBe(0);
    expect(listedSlugs(result.stdout)).toEqual(["target-check"]);
    expect(result.stderr).toBe(`Target: ${server.url} (from ${join(dirs.root, ".keystroke", "dev.json")})\n`);
  });

  it("lets --url win over KEYSTROKE_URL and dev.json, and says which target failed", async () => {
    const port = await closedPort();
    const result = await runCli(["history", "list", "--url", `http://127.0.0.1:${port}`], {
      env: { KEYSTROKE_URL: server.url },
      cwd: dirs.nested,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      [
        `Error: No Keystroke server answered at http://127.0.0.1:${port}`,
        "Hint: Start one with `npm start` (or `keystroke serve`), or point --url / KEYSTROKE_URL at a running server",
        `Target: http://127.0.0.1:${port} (from --url)`,
        "",
      ].join("\n"),
    );
  });

  it("reports an unreachable KEYSTROKE_URL with --json as an error body too", async () => {
    const port = await closedPort();
    const result = await runCli(["--json", "agents", "sessions", "list", "support"], {
      env: { KEYSTROKE_URL: `http://127.0.0.1:${port}` },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("(from KEYSTROKE_URL)");
    const body = JSON.parse(result.stderr.trim().split("\n").at(-1) ?? "");
    expect(body).toMatchObject({ error: { code: "unreachable", hint: expect.stringContaining("npm start") } });
  });

  it("fails on a bad KEYSTROKE_URL", async () => {
    const result = await runCli(["history", "list"], { env: { KEYSTROKE_URL: "localhost" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: Invalid KEYSTROKE_URL "localhost": expected an http\(s\) URL/);
  });
});
