/**
 * A deploy on a team server of two replicas on one PostgreSQL database, over real HTTP: the
 * project deployed through replica A is served by replica B without a restart, a later deploy
 * through B reaches A, and a deploy that does not load changes neither; a second project deployed
 * through A is served beside the first on B. A replica started after the deploys serves the
 * newest of each project at once.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "@keystroke/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../start-server.js";
import { agentFile, client, deployedProject, upload } from "../testing/deploy-fixtures.js";

const PASSWORD = "correct horse battery staple";
const KEY = `ks_${randomBytes(32).toString("base64url")}`;
const DEPLOYS = "/api/organizations/acme/projects/support/deploys";

describe("deploys across replicas", () => {
  let dir: string;
  let schema: string;
  const replicas: RunningServer[] = [];
  const followMs = process.env.KEYSTROKE_DEPLOY_FOLLOW_MS;

  const start = (name: string) =>
    startServer({
      port: 0,
      databaseUrl: `${testDatabaseUrl}?schema=${schema}`,
      deployDir: join(dir, name),
      auth: { init: { organization: "acme", email: "owner@acme.test", password: PASSWORD, apiKey: KEY } },
    });

  /** The agents a replica serves (of `project`), with their descriptions, once they are `expected` (or after 10 s). */
  async function agentsOf(replica: RunningServer, expected: string[], project = "support"): Promise<string[]> {
    const api = client(replica.url, { key: KEY, project });
    let seen: string[] = [];
    for (const giveUp = Date.now() + 10_000; Date.now() < giveUp; ) {
      const listed = await api("GET", "/api/agents");
      seen = (listed.body.agents ?? []).map((agent) => `${agent.slug}: ${agent.description}`).sort();
      if (JSON.stringify(seen) === JSON.stringify(expected)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return seen;
  }

  beforeAll(async () => {
    await requireTestDatabase();
    schema = testSchemaName();
    dir = mkdtempSync(join(tmpdir(), "keystroke-deploy-replicas-"));
    process.env.KEYSTROKE_DEPLOY_FOLLOW_MS = "200";
    replicas.push(await start("a"), await start("b"));
    const created = await client(replicas[0]?.url ?? "", { key: KEY })("POST", "/api/organizations/acme/projects", {
      slug: "support",
      name: "Support",
    });
    expect(created.status).toBe(200);
  }, 30_000);

  afterAll(async () => {
    if (followMs === undefined) delete process.env.KEYSTROKE_DEPLOY_FOLLOW_MS;
    else process.env.KEYSTROKE_DEPLOY_FOLLOW_MS = followMs;
    for (const replica of replicas) await replica.close();
    if (schema) await dropTestSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves a deploy made through one replica on the other, and a broken deploy on neither", async () => {
    const [a, b] = replicas as [RunningServer, RunningServer];
    const first = await client(a.url, { key: KEY })("POST", DEPLOYS, upload(deployedProject));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(await agentsOf(b, ["support: Answers support questions"])).toEqual(["support: Answers support questions"]);
    const onB = await client(b.url, { key: KEY })("POST", "/api/agents/support/prompt", { message: "Order?" });
    expect(onB.body.status).toBe("success");

    // A second version through B: A takes it up, the changed agent and the new one.
    const second = {
      ...deployedProject,
      "src/agents/support.ts": agentFile("support", ", version two"),
      "src/agents/billing.ts": agentFile("billing"),
    };
    expect((await client(b.url, { key: KEY })("POST", DEPLOYS, upload(second))).status).toBe(200);
    const both = ["billing: Answers billing questions", "support: Answers support questions, version two"];
    expect(await agentsOf(a, both)).toEqual(both);

    // A version that does not load is refused where it arrives, and the other replica never changes.
    const broken = { ...second, "src/agents/billing.ts": "export const = ;\n" };
    expect((await client(a.url, { key: KEY })("POST", DEPLOYS, upload(broken))).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await agentsOf(b, both)).toEqual(both);
    expect(await agentsOf(a, both)).toEqual(both);

    // Another project deployed through A is served beside the first on B.
    const api = client(a.url, { key: KEY });
    expect((await api("POST", "/api/organizations/acme/projects", { slug: "ops", name: "Ops" })).status).toBe(200);
    const ops = {
      ...deployedProject,
      "keystroke.config.ts": deployedProject["keystroke.config.ts"].replace('"support"', '"ops"'),
      "src/agents/support.ts": agentFile("support", " for ops"),
    };
    const deployedOps = await api("POST", "/api/organizations/acme/projects/ops/deploys", upload(ops));
    expect(deployedOps.status, JSON.stringify(deployedOps.body)).toBe(200);
    expect(await agentsOf(b, ["support: Answers support questions for ops"], "ops")).toEqual([
      "support: Answers support questions for ops",
    ]);
    expect(await agentsOf(b, both)).toEqual(both);
    const opsOnB = await client(b.url, { key: KEY, project: "ops" })("POST", "/api/agents/support/prompt", {
      message: "Deploy?",
    });
    expect(opsOnB.body.status).toBe("success");

    // A replica started now serves the newest live deploy of each project from the start.
    const c = await start("c");
    replicas.push(c);
    expect(c.deploys.map((d) => [d.project, d.hash])).toEqual([
      ["support", upload(second).hash],
      ["ops", upload(ops).hash],
    ]);
    const onC = await client(c.url, { key: KEY, project: "support" })("POST", "/api/agents/billing/prompt", {
      message: "Refund?",
    });
    expect(onC.body.status).toBe("success");
  }, 60_000);
});
