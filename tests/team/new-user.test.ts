/**
 * A new user's first deploy to a team server, as they would do it: the real `keystroke serve`
 * on PostgreSQL whose first start created the organization acme, its Owner and an API key;
 * `auth login --token` with that key, `projects create`, `init`, `projects link`, `deploy`; then
 * `agents prompt` reaches the deployed project (the cloud target), `history list` shows the run
 * under acme/support, and the web page, signed in through Chromium, lists it in History. A
 * worker started without a project folder runs the live deploy.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertBuilt, runCli, type ServeProcess, startServeProcess, startWorkerProcess } from "@keystroke/cli/testing";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "@keystroke/store/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertWebPageBuilt, launchChromium } from "../e2e/support/browser.js";

const EMAIL = "ada@acme.test";
const PASSWORD = "correct horse battery staple";
const KEY = `ks_${randomBytes(32).toString("base64url")}`;

const supportAgent = `import { defineAgent } from "keystroke/agent";

export const support = defineAgent({
  slug: "support",
  name: "Support",
  description: "Answers customers about their orders",
  systemPrompt: "You help customers with their orders.",
  model: "demo/support",
});
`;

describe("a new user deploys a project to a team server", { timeout: 90_000 }, () => {
  let home: string;
  let app: string;
  let schema: string;
  let server: ServeProcess;
  let worker: ServeProcess | undefined;
  let browser: Browser | undefined;
  let cli: (args: string[], cwd?: string) => ReturnType<typeof runCli>;

  beforeAll(async () => {
    assertBuilt();
    assertWebPageBuilt();
    await requireTestDatabase();
    schema = testSchemaName();
    home = mkdtempSync(join(tmpdir(), "keystroke-new-user-"));
    app = join(home, "support");
    const env = { KEYSTROKE_CONFIG_DIR: join(home, "config") };
    cli = (args, cwd = home) => runCli(args, { env, cwd });
    server = await startServeProcess(["--database-url", `${testDatabaseUrl}?schema=${schema}`, "--port", "0"], 30_000, {
      KEYSTROKE_INIT_ORG: "acme",
      KEYSTROKE_INIT_USER_EMAIL: EMAIL,
      KEYSTROKE_INIT_USER_PASSWORD: PASSWORD,
      KEYSTROKE_INIT_API_KEY: KEY,
      KEYSTROKE_DEPLOY_DIR: join(home, "deploys"),
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (worker) {
      worker.child.kill("SIGTERM");
      await worker.exited;
    }
    if (server) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    if (schema) await dropTestSchema(schema);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("signs in, creates and links a project, and deploys it", async () => {
    const login = await cli(["auth", "login", "--server", server.url, "--token", KEY]);
    expect(login.code, login.stderr).toBe(0);
    const created = await cli(["projects", "create", "--name", "Support"]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout).project.slug).toBe("support");

    const init = await cli(["init", app, "--yes"]);
    expect(init.code, init.stderr).toBe(0);
    writeFileSync(join(app, "src/agents/support.ts"), supportAgent);
    const linked = await cli(["projects", "link", "--project", "support"], app);
    expect(linked.code, linked.stderr).toBe(0);

    const deployed = await cli(["deploy"], app);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stdout).toContain("Skipped typecheck: TypeScript is not installed");
    expect(deployed.stdout).toMatch(/Uploading 6 files \(\d+ (KB|B)\)/);
    expect(deployed.stdout).toMatch(
      /Deployed acme\/support [0-9a-f]{12} — agents: assistant, support; workflows: daily-summary/,
    );
  });

  it("prompts the deployed agent on the cloud target and finds the run in History", async () => {
    const prompted = await cli(["agents", "prompt", "support", "--message", "Where is my order?", "--verbose"], app);
    expect(prompted.code, prompted.stderr).toBe(0);
    expect(prompted.stderr).toContain(`Target: ${server.url} (organization acme, project support, as ${EMAIL}`);
    const { runId, status } = JSON.parse(prompted.stdout) as { runId: string; status: string };
    expect(status).toBe("success");

    const history = await cli(["history", "list"], app);
    expect(history.code, history.stderr).toBe(0);
    const { runs } = JSON.parse(history.stdout) as { runs: { runId: string; project: string; slug: string }[] };
    expect(runs.find((run) => run.runId === runId)).toMatchObject({ project: "acme/support", slug: "support" });

    const deploys = await cli(["deploys", "list"], app);
    expect(JSON.parse(deploys.stdout).deploys).toMatchObject([{ status: "live", authorEmail: EMAIL }]);
  });

  it("starts a worker without --dir that runs the live deploy", async () => {
    worker = await startWorkerProcess(["--database-url", `${testDatabaseUrl}?schema=${schema}`], {
      env: { KEYSTROKE_DEPLOY_DIR: join(home, "worker-deploys") },
      timeoutMs: 30_000,
    });
    await expect
      .poll(() => worker?.output().stdout, { timeout: 10_000 })
      .toMatch(/Deploy [0-9a-f]{12} of acme\/support: .*; new deploys are followed/);
  });

  it("deploys one module with --filter over the live deploy", async () => {
    writeFileSync(join(app, "src/agents/support.ts"), supportAgent.replace("their orders", "orders and refunds"));
    const deployed = await cli(["deploy", "--filter", "agents/support", "--json"], app);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stderr).toContain("Uploading 2 files");
    expect(JSON.parse(deployed.stdout)).toMatchObject({ filter: "agents/support", status: "live" });
    // The worker took it up from the database, without a restart.
    await expect
      .poll(() => worker?.output().stdout, { timeout: 10_000 })
      .toMatch(/Now serving Deploy [0-9a-f]{12} of acme\/support/);
    const agents = await cli(["agents", "list"], app);
    expect(agents.stdout).toContain("orders and refunds");
  });

  it("shows the run in History on the web page once signed in", async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "History", level: 1 }).isVisible()).toBe(true);
    const rows = page.locator(".table-row:not(.skeleton)");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await rows.first().textContent()).toContain("Support");
    await rows.first().click();
    await expect.poll(() => page.locator("aside.panel").textContent()).toContain("Where is my order?");
  });
});
