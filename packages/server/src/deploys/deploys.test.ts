/**
 * `keystroke deploy` as the server sees it, over real HTTP on a SQLite team server: a project
 * uploaded with an API key goes live and its agent answers, recorded under acme/support; a
 * broken upload is refused with its error while the live one keeps answering; a module can be
 * laid over the live deploy; another organization's user finds no project, and their own project
 * is served beside it; the list shows every deploy; a restart serves the newest of each project.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { contentHash } from "@keystroke/core/content-hash";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../start-server.js";
import {
  agentFile,
  client,
  PASSWORD,
  deployedProject as project,
  startAcmeServer,
  upload,
} from "../testing/deploy-fixtures.js";

const KEY = `ks_${randomBytes(32).toString("base64url")}`;

describe("deploys on a team server", () => {
  let dir: string;
  let running: RunningServer;
  let acme: ReturnType<typeof client>;

  const start = () => startAcmeServer(dir, KEY);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "keystroke-deploys-"));
    running = await start();
    acme = client(running.url, { key: KEY });
    expect((await acme("POST", "/api/organizations/acme/projects", { slug: "support", name: "Support" })).status).toBe(
      200,
    );
  }, 30_000);

  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves a deployed project: its agent answers and its run is recorded under acme/support", async () => {
    const deployed = await acme("POST", "/api/organizations/acme/projects/support/deploys", upload(project));
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
    expect(deployed.body.deploy).toMatchObject({
      organization: "acme",
      project: "support",
      hash: contentHash(project),
      status: "live",
      authorEmail: "owner@acme.test",
      agents: ["support"],
    });
    const prompted = await acme("POST", "/api/agents/support/prompt", { message: "Where is my order?" });
    expect(prompted.status, JSON.stringify(prompted.body)).toBe(200);
    expect(prompted.body.status).toBe("success");
    const history = await acme("GET", "/api/history");
    expect(history.body.runs.map((run) => [run.runId, run.project])).toContainEqual([
      prompted.body.runId,
      "acme/support",
    ]);
  });

  it("refuses a project that does not load, with its error, and keeps serving the live one", async () => {
    const broken = { ...project, "src/agents/support.ts": `${agentFile("support")}\nexport const = ;\n` };
    const refused = await acme("POST", "/api/organizations/acme/projects/support/deploys", upload(broken));
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/^The deploy did not load: src\/agents\/support\.ts failed to load/);
    const noConfig = { ...project, "keystroke.config.ts": "export const nothing = 1;\n" };
    const missing = await acme("POST", "/api/organizations/acme/projects/support/deploys", upload(noConfig));
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain("must export default defineConfig");
    const prompted = await acme("POST", "/api/agents/support/prompt", { message: "Still there?" });
    expect(prompted.body.status).toBe("success");
  });

  it("checks paths and the content hash", async () => {
    const path = "/api/organizations/acme/projects/support/deploys";
    const traversal = await acme("POST", path, upload({ ...project, "src/../../etc/x.ts": "" }));
    expect(traversal.status).toBe(400);
    expect(traversal.body.error.message).toContain("src/../../etc/x.ts");
    const ownZod = await acme("POST", path, upload({ ...project, "node_modules/zod/index.js": "export {};" }));
    expect(ownZod.status).toBe(400);
    expect(ownZod.body.error.message).toContain("expected no copy of zod: deploys use the server's");
    const strayModule = await acme("POST", path, upload({ ...project, "node_modules/left-pad": "" }));
    expect(strayModule.status).toBe(400);
    const tampered = await acme("POST", path, { files: project, hash: contentHash({ ...project, x: "" }) });
    expect(tampered.status).toBe(400);
    expect(tampered.body.error.message).toContain("hash");
  });

  it("lays a --filter module over the live deploy", async () => {
    const billing = { "src/agents/billing.ts": agentFile("billing") };
    const deployed = await acme(
      "POST",
      "/api/organizations/acme/projects/support/deploys",
      upload({ "keystroke.config.ts": project["keystroke.config.ts"], ...billing }, "agents/billing"),
    );
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
    expect(deployed.body.deploy.agents.sort()).toEqual(["billing", "support"]);
    expect(deployed.body.deploy.hash).toBe(contentHash({ ...project, ...billing }));
    expect((await acme("POST", "/api/agents/billing/prompt", { message: "Refund?" })).body.status).toBe("success");
    const outside = await acme(
      "POST",
      "/api/organizations/acme/projects/support/deploys",
      upload({ "src/agents/support.ts": agentFile("support") }, "agents/billing"),
    );
    expect(outside.status).toBe(400);
  });

  it("answers 404 to another organization's user, and serves their own project beside", async () => {
    const owner = client(running.url, { token: await login(running.url, "owner@acme.test") });
    const invite = await owner("POST", "/api/organizations/acme/invites", { role: "builder" });
    const token = new URL(invite.body.url).hash.slice(1);
    const email = "owner@globex.test";
    await client(running.url, {})("POST", "/api/auth/invites/accept", { token, email, password: PASSWORD });
    const globexToken = await login(running.url, email);
    expect(
      (await client(running.url, { token: globexToken })("POST", "/api/organizations", { slug: "globex" })).status,
    ).toBe(200);
    const members = await owner("GET", "/api/organizations/acme/members");
    const id = members.body.members.find((m) => m.email === email)?.userId;
    await owner("DELETE", `/api/organizations/acme/members/${id}`);
    const globex = client(running.url, { token: globexToken, org: "globex" });
    const into = await globex("POST", "/api/organizations/acme/projects/support/deploys", upload(project));
    expect(into.status).toBe(404);
    expect((await globex("GET", "/api/organizations/acme/projects/support/deploys")).status).toBe(404);
    expect((await globex("POST", "/api/organizations/globex/projects", { slug: "ops", name: "Ops" })).status).toBe(200);
    const other = await globex("POST", "/api/organizations/globex/projects/ops/deploys", upload(project));
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    // Each caller reaches the one project they can access, without naming it.
    const theirs = await globex("POST", "/api/agents/support/prompt", { message: "Globex order?" });
    expect(theirs.body.status).toBe("success");
    const ours = await acme("POST", "/api/agents/support/prompt", { message: "Acme order?" });
    expect(ours.body.status).toBe("success");
    const projects = new Map(
      [...(await globex("GET", "/api/history")).body.runs, ...(await acme("GET", "/api/history")).body.runs].map(
        (run) => [run.runId, run.project],
      ),
    );
    expect(projects.get(theirs.body.runId)).toBe("globex/ops");
    expect(projects.get(ours.body.runId)).toBe("acme/support");
    expect((await globex("GET", `/api/history/${ours.body.runId}`)).status).toBe(404);
  });

  it("lists the deploys newest first with time, author and hash; a restart serves the newest live one", async () => {
    const listed = await acme("GET", "/api/organizations/acme/projects/support/deploys");
    const deploys = listed.body.deploys;
    expect(deploys.map((d) => d.status)).toEqual(["live", "failed", "failed", "live"]);
    for (const deploy of deploys) {
      expect(deploy.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(deploy.authorEmail).toBe("owner@acme.test");
      expect(deploy.createdAt).toBeGreaterThan(0);
    }
    expect(deploys[0]?.createdAt).toBeGreaterThanOrEqual(deploys[3]?.createdAt ?? Infinity);
    await running.close();
    running = await start();
    acme = client(running.url, { key: KEY });
    expect(running.deploys.map((d) => [`${d.organization}/${d.project}`, d.hash]).sort()).toEqual(
      [
        ["acme/support", deploys[0]?.hash],
        ["globex/ops", upload(project).hash],
      ].sort(),
    );
    expect((await acme("POST", "/api/agents/billing/prompt", { message: "After restart?" })).body.status).toBe(
      "success",
    );
  }, 30_000);
});

async function login(url: string, email: string): Promise<string> {
  const answer = await client(url, {})("POST", "/api/auth/login?cli=1", { email, password: PASSWORD });
  expect(answer.status).toBe(200);
  return answer.body.token;
}
