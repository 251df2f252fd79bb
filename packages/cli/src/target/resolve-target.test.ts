import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../../../../tests/support/closed-port.js";
import { startTestServer, type TestServer } from "../../../server/src/testing/test-server.js";
import { assertBuilt, runCli } from "../testing/run-cli.js";
import { DEFAULT_URL, describeTarget, resolveAccountTarget, resolveTarget } from "./resolve-target.js";

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

describe("resolveTarget with a sign-in", () => {
  const root = mkdtempSync(join(tmpdir(), "keystroke-cloud-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const team = "https://keystroke.example.com";
  const ada = { token: "ses_ada", email: "ada@example.com", organization: "globex" };
  const credentials = { current: team, servers: { [team]: ada } };

  function linkedProject(name: string, config: string, devJson?: string): string {
    const dir = join(root, name);
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(join(dir, "keystroke.config.ts"), config);
    if (devJson !== undefined) {
      mkdirSync(join(dir, ".keystroke"));
      writeFileSync(join(dir, ".keystroke", "dev.json"), devJson);
    }
    return dir;
  }
  const linked = 'export default defineConfig({ organization: "acme", project: "support" });\n';

  it("ends at the linked project on the server signed in to, with its token and organization", () => {
    const dir = linkedProject("linked", linked);
    const target = resolveTarget({ env: {}, cwd: join(dir, "src"), credentials });
    expect(target).toEqual({
      url: team,
      source: `the project linked in ${join(dir, "keystroke.config.ts")}`,
      token: "ses_ada",
      email: "ada@example.com",
      organization: "acme",
      project: "support",
    });
    expect(describeTarget(target)).toBe(
      `${team} (organization acme, project support, as ada@example.com; from the project linked in ${join(dir, "keystroke.config.ts")})`,
    );
    expect(describeTarget(target)).not.toContain("ses_ada");
  });

  it("lets --organization and --project override the link, and stand in for one", () => {
    const dir = linkedProject("overridden", linked);
    const scope = { organization: "initech", project: "billing" };
    expect(resolveTarget({ env: {}, cwd: dir, credentials, scope })).toMatchObject({
      url: team,
      source: "--organization",
      organization: "initech",
      project: "billing",
    });
    const bare = join(root, "bare");
    mkdirSync(bare);
    expect(resolveTarget({ env: {}, cwd: bare, credentials, scope: { organization: "acme" } })).toMatchObject({
      url: team,
      organization: "acme",
      token: "ses_ada",
    });
  });

  it("falls back to the default without a sign-in or without a linked organization", () => {
    const dir = linkedProject("unsigned", linked);
    expect(resolveTarget({ env: {}, cwd: dir, credentials: { servers: {} } })).toEqual({
      url: DEFAULT_URL,
      source: "the default",
    });
    const solo = linkedProject("solo", 'export default defineConfig({ project: "solo" });\n');
    expect(resolveTarget({ env: {}, cwd: solo, credentials })).toEqual({ url: DEFAULT_URL, source: "the default" });
  });

  it("prefers a running dev server, which never gets the token", () => {
    const dir = linkedProject("dev", linked, JSON.stringify({ url: team }));
    expect(resolveTarget({ env: {}, cwd: dir, credentials })).toEqual({
      url: team,
      source: join(dir, ".keystroke", "dev.json"),
    });
  });

  it("gives --url and KEYSTROKE_URL the stored sign-in of the server they name", () => {
    expect(resolveTarget({ env: { KEYSTROKE_URL: `${team}/` }, cwd: root, credentials })).toEqual({
      url: `${team}/`,
      source: "KEYSTROKE_URL",
      token: "ses_ada",
      email: "ada@example.com",
      organization: "globex",
    });
    expect(resolveTarget({ flag: "http://127.0.0.1:4300", env: {}, cwd: root, credentials })).toEqual({
      url: "http://127.0.0.1:4300",
      source: "--url",
    });
  });

  it("sends account commands to --url, KEYSTROKE_URL, else the server signed in to last", () => {
    expect(resolveAccountTarget({ env: {}, credentials, scope: { organization: "acme" } })).toEqual({
      url: team,
      source: "the last `keystroke auth login`",
      token: "ses_ada",
      email: "ada@example.com",
      organization: "acme",
    });
    expect(resolveAccountTarget({ env: { KEYSTROKE_URL: "http://127.0.0.1:4200" }, credentials })).toEqual({
      url: "http://127.0.0.1:4200",
      source: "KEYSTROKE_URL",
    });
    expect(() => resolveAccountTarget({ env: {}, credentials: { servers: {} } })).toThrow(
      "Not signed in to any Keystroke server",
    );
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
