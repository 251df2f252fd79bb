/**
 * The cloud target end to end: the built `keystroke` against a real team server with sign-in
 * (docs/auth.md), its first start creating the organization `acme`, its Owner Ada and an API key.
 * The credentials file lives in a temporary KEYSTROKE_CONFIG_DIR.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningServer, startServer } from "@keystroke/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credentials, credentialsPath, readCredentials } from "../../credentials/credentials-file.js";
import { assertBuilt, binPath, type CliResult, runCli } from "../../testing/run-cli.js";

const ada = { organization: "acme", email: "ada@example.com", password: "correct horse battery staple" };
const apiKey = `ks_${randomBytes(32).toString("base64url")}`;

const starterConfig = `import { defineConfig } from "keystroke/config";

export default defineConfig({
  organization: "my-org",
  project: "my-app",
  // OpenAI-compatible endpoints, usable as "local/<model>" in an agent's model:
  // providers: { local: { baseURL: "http://127.0.0.1:11434/v1" } },
});
`;

describe("keystroke auth, projects, api-key and config on a team server", () => {
  let dir: string;
  let server: RunningServer;
  let env: Record<string, string>;
  let project: string;

  const cli = (args: readonly string[], cwd?: string) => runCli(args, { env, ...(cwd ? { cwd } : {}) });
  const json = (result: CliResult) => {
    expect(result.stderr).not.toContain("Error:");
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };
  const stored = (): Credentials => readCredentials(credentialsPath(env));
  const call = async (path: string, init: { token?: string; body?: unknown } = {}) => {
    const response = await fetch(`${server.url}${path}`, {
      method: init.body === undefined ? "GET" : "POST",
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  };

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), "keystroke-auth-cli-"));
    server = await startServer({
      dbPath: join(dir, "db", "keystroke.db"),
      port: 0,
      auth: { init: { ...ada, apiKey } },
    });
    env = { KEYSTROKE_CONFIG_DIR: join(dir, "config"), CI: "1" };
    project = join(dir, "app");
    mkdirSync(join(project, "src"), { recursive: true });
    writeFileSync(join(project, "keystroke.config.ts"), starterConfig);
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("says how to sign in before anyone has", async () => {
    const result = await cli(["auth", "status"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Error: Not signed in to any Keystroke server");
    expect(result.stderr).toContain("Hint: Sign in with `keystroke auth login --server <url>`");
  });

  it("refuses a token the server does not know, storing nothing", async () => {
    const result = await cli(["auth", "login", "--server", server.url, "--token", "ks_nope"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Error: ${server.url} refused the token`);
    expect(stored()).toEqual({ servers: {} });
  });

  it("signs in with --token, stores it 0600, and never prints it", async () => {
    const result = await cli(["auth", "login", "--server", server.url, "--token", apiKey]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Signed in to ${server.url} as ada@example.com (organization acme, Owner)\n`);
    expect(result.stdout + result.stderr).not.toContain(apiKey);
    expect(stored()).toEqual({ current: server.url, servers: { [server.url]: { token: apiKey, email: ada.email } } });
    expect(statSync(credentialsPath(env)).mode & 0o777).toBe(0o600);
  });

  it("shows who is signed in, where and how", async () => {
    expect(json(await cli(["auth", "status", "--json"]))).toMatchObject({
      server: server.url,
      email: ada.email,
      organization: "acme",
      role: "owner",
      via: "api_key",
    });
  });

  it("creates a project with a slug from its name, and lists it", async () => {
    expect(json(await cli(["projects", "create", "--name", "Customer Support"]))).toMatchObject({
      organization: "acme",
      project: { slug: "customer-support", name: "Customer Support" },
    });
    const listed = json(await cli(["projects", "list"]));
    expect(listed.organization).toBe("acme");
    expect(listed.projects).toEqual(expect.arrayContaining([expect.objectContaining({ slug: "customer-support" })]));
  });

  it("links a project folder, and the linked project becomes the target of run commands", async () => {
    const config = join(project, "keystroke.config.ts");
    const missing = await cli(["projects", "link", "--project", "nope"], project);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Error: No project "nope" in acme');
    expect(readFileSync(config, "utf8")).toBe(starterConfig);

    const linked = await cli(["projects", "link", "--project", "customer-support"], join(project, "src"));
    expect(linked.code).toBe(0);
    expect(linked.stdout).toBe(`Linked ${config} to acme/customer-support on ${server.url}\n`);
    expect(readFileSync(config, "utf8")).toBe(
      starterConfig.replace('"my-org"', '"acme"').replace('"my-app"', '"customer-support"'),
    );

    const history = await cli(["history", "list", "--verbose"], project);
    expect(history.stderr).toBe(
      `Target: ${server.url} (organization acme, project customer-support, as ada@example.com; from the project linked in ${config})\n`,
    );
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout)).toMatchObject({ runs: [] });
  });

  it("creates an API key that is printed once and works", async () => {
    const created = json(await cli(["api-key", "create", "--name", "ci", "--project", "customer-support", "--json"]));
    expect(created.key).toMatch(/^ks_[\w-]{43}$/);
    expect(created.apiKey).toMatchObject({ name: "ci" });
    expect((await call("/api/auth/me", { token: created.key as string })).status).toBe(200);

    const plain = await cli(["api-key", "create", "--name", "deploys"]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^ks_[\w-]{43}\n$/);
    expect(plain.stderr).toBe('API key "deploys" of acme: store it now, it will not be shown again.\n');
  });

  it("uses only an organization the user belongs to", async () => {
    const used = await cli(["config", "use", "org", "acme"]);
    expect(used.code).toBe(0);
    expect(used.stdout).toBe(`Using organization acme (Owner) on ${server.url}\n`);
    expect(stored().servers[server.url]?.organization).toBe("acme");
    const other = await cli(["config", "use", "org", "globex"]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('Error: ada@example.com is not a member of "globex"');
  });

  it("signs out, forgetting the server", async () => {
    const result = await cli(["auth", "logout"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Signed out of ${server.url}`));
    expect(stored()).toEqual({ servers: {} });
    expect((await cli(["auth", "status"])).code).toBe(1);
  });

  it("signs in with a code approved in the browser, then acts in another organization", async () => {
    const child = spawn(process.execPath, [binPath, "auth", "login", "--server", server.url, "--json"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    const userCode = await new Promise<string>((resolve, reject) => {
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        const match = /approve the code (\S+)/.exec(stderr);
        if (match?.[1]) resolve(match[1]);
      });
      child.on("exit", () => reject(new Error(`auth login exited before printing a code\n${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));

    const session = await call("/api/auth/login?cli=1", { body: { email: ada.email, password: ada.password } });
    expect(session.status).toBeLessThan(300);
    const token = session.body.token as string;
    expect((await call("/api/auth/device/approve", { token, body: { userCode } })).status).toBeLessThan(300);

    expect(await exited).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      server: server.url,
      email: ada.email,
      organization: "acme",
      via: "session",
    });
    const cliToken = stored().servers[server.url]?.token as string;
    expect(stdout + stderr).not.toContain(cliToken);

    expect((await call("/api/organizations", { token, body: { slug: "globex", name: "Globex" } })).status).toBeLessThan(
      300,
    );
    expect((await cli(["config", "use", "org", "globex"])).code).toBe(0);
    expect(json(await cli(["auth", "status"]))).toMatchObject({
      organization: "globex",
      role: "owner",
      via: "session",
    });
    expect(json(await cli(["projects", "list"]))).toMatchObject({ organization: "globex", projects: [] });
    expect(json(await cli(["projects", "list", "--organization", "acme"]))).toMatchObject({ organization: "acme" });

    const logout = await cli(["auth", "logout"]);
    expect(logout.stdout).toBe(`Signed out of ${server.url}\n`);
    expect((await call("/api/auth/me", { token: cliToken })).status).toBe(401);
  }, 120_000);
});
