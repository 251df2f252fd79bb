/**
 * A team server hosting two deployed projects at once, over real HTTP on SQLite: acme/support and
 * acme/billing each define an agent `helper`, a workflow `record` and a webhook source `orders`
 * with the same slugs. Each request names its project (`x-keystroke-project`) and reaches that
 * project's code; runs are recorded under their own project; each webhook has its own URL; a
 * trigger disabled in one project stays enabled in the other; a key bound to one project sees
 * only it; a restart serves both again; a server serving one of them from its folder serves the
 * folder's version over the deploy and refuses deploys of it.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TriggerInfo } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../start-server.js";
import { agentFile, client, startAcmeServer, upload } from "../testing/deploy-fixtures.js";
import { writeProjectFiles } from "../testing/project-files.js";

/** The fields of the answers the tests read. */
interface Body {
  status: string;
  runId: string;
  project: string | null;
  key: string;
  agents: { description: string }[];
  triggers: TriggerInfo[];
  sessions: { project: string }[];
  runs: { project: string }[];
  error: { message: string; hint: string };
}
type RunView = { run: { status: string; project: string; output: unknown } };

const KEY = `ks_${randomBytes(32).toString("base64url")}`;

/** A project whose helper agent, record workflow and orders webhook all say which project they are. */
function projectFiles(project: string): Record<string, string> {
  return {
    "keystroke.config.ts": `import { defineConfig } from "keystroke/config";\nexport default defineConfig({ organization: "acme", project: "${project}" });\n`,
    "package.json": `${JSON.stringify({ name: project, type: "module" })}\n`,
    "src/agents/helper.ts": agentFile("helper", ` for ${project}`),
    "src/workflows/record.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
export const record = defineWorkflow({
  slug: "record",
  name: "Record",
  description: "Records an order",
  input: z.object({ order: z.string() }),
  output: z.object({ recordedBy: z.string(), order: z.string() }),
  async run(input, ctx) {
    return ctx.step("record", async () => ({ recordedBy: "${project}", order: input.order }));
  },
});
`,
    "src/workflows/consult.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
import { helper } from "../agents/helper.js";
export const consult = defineWorkflow({
  slug: "consult",
  name: "Consult",
  description: "Asks the helper agent",
  input: z.object({ question: z.string() }),
  output: z.object({ runId: z.string() }),
  async run(input) {
    const answer = await helper.prompt({ message: input.question });
    return { runId: answer.runId };
  },
});
`,
    "src/triggers/orders.ts": `import { defineWebhookSource } from "keystroke/trigger";
import { z } from "zod";
import { record } from "../workflows/record.js";
export const orders = defineWebhookSource({
  slug: "orders",
  name: "Orders",
  description: "Orders of ${project}",
  endpoint: "/orders",
  request: z.object({ order: z.string() }),
}).attach({ workflow: record });
`,
  };
}

describe("projects side by side on a team server", () => {
  let dir: string;
  let running: RunningServer;
  let acme: ReturnType<typeof client>;

  const start = () => startAcmeServer(dir, KEY);

  /** A request of the acme key naming `project` (a slug of acme) in x-keystroke-project. */
  async function inProject(project: string | undefined, method: string, path: string, body?: unknown) {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: {
        "x-api-key": KEY,
        ...(project ? { "x-keystroke-project": project } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Body };
  }

  /** The run once it finished (workflow runs finish after the start answers). */
  async function finished(runId: string): Promise<RunView["run"]> {
    for (const giveUp = Date.now() + 10_000; Date.now() < giveUp; ) {
      const { body } = await acme("GET", `/api/history/${runId}`);
      const { run } = body as unknown as RunView;
      if (run && ["success", "failed", "canceled"].includes(run.status)) return run;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`run ${runId} did not finish`);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "keystroke-side-by-side-"));
    running = await start();
    acme = client(running.url, { key: KEY });
    for (const slug of ["support", "billing"]) {
      expect((await acme("POST", "/api/organizations/acme/projects", { slug, name: slug })).status).toBe(200);
      const deployed = await acme(
        "POST",
        `/api/organizations/acme/projects/${slug}/deploys`,
        upload(projectFiles(slug)),
      );
      expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
    }
  }, 30_000);

  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("asks which project when the caller can access several, and serves each project's own agent", async () => {
    const unnamed = await inProject(undefined, "GET", "/api/agents");
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.message).toContain("acme/support");
    expect(unnamed.body.error.message).toContain("acme/billing");
    expect(unnamed.body.error.hint).toContain("x-keystroke-project");

    const support = await inProject("support", "GET", "/api/agents");
    expect(support.body).toMatchObject({ project: "acme/support" });
    expect(support.body.agents.map((a) => a.description)).toEqual(["Answers helper questions for support"]);
    const billing = await inProject("acme/billing", "GET", "/api/agents");
    expect(billing.body.agents.map((a) => a.description)).toEqual(["Answers helper questions for billing"]);
    expect((await inProject("nowhere", "GET", "/api/agents")).status).toBe(404);

    const prompted = await inProject("billing", "POST", "/api/agents/helper/prompt", { message: "Invoice?" });
    expect(prompted.body.status).toBe("success");
    expect((await finished(prompted.body.runId)).project).toBe("acme/billing");
    await inProject("support", "POST", "/api/agents/helper/prompt", { message: "Ticket?" });
    const sessions = await inProject("billing", "GET", "/api/agents/helper/sessions");
    expect(sessions.body.sessions.map((run) => run.project)).toEqual(["acme/billing"]);
  });

  it("runs each project's workflow under its own project", async () => {
    for (const project of ["support", "billing"]) {
      const started = await inProject(project, "POST", "/api/workflows/record/runs", { input: { order: "o-1" } });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const run = await finished(started.body.runId);
      expect(run.project).toBe(`acme/${project}`);
      const detail = await acme("GET", `/api/history/${started.body.runId}`);
      expect((detail.body as unknown as RunView).run.output).toEqual({
        recordedBy: project,
        order: "o-1",
      });
    }
    // An agent prompted from a workflow step runs in the workflow's project, whichever was used last.
    const consulted = await inProject("support", "POST", "/api/workflows/consult/runs", { input: { question: "Hi?" } });
    expect(consulted.status, JSON.stringify(consulted.body)).toBe(202);
    const consult = await finished(consulted.body.runId);
    expect(consult.status).toBe("success");
    const agentRun = await finished((consult.output as { runId: string }).runId);
    expect(agentRun.project).toBe("acme/support");
    const runs = await inProject("support", "GET", "/api/workflows/record/runs");
    expect(runs.body.runs.map((run) => run.project)).toEqual(["acme/support"]);
  });

  it("gives each project's webhook its own URL and keeps their trigger state apart", async () => {
    const listed = await inProject(undefined, "GET", "/api/trigger-sources");
    expect(listed.status).toBe(200);
    const triggers = listed.body.triggers;
    expect(triggers.map((t) => [t.project, t.id, t.url?.replace(running.url, "")]).sort()).toEqual([
      ["acme/billing", "orders:record", "/api/triggers/acme/billing/orders"],
      ["acme/support", "orders:record", "/api/triggers/acme/support/orders"],
    ]);

    for (const project of ["support", "billing"]) {
      const hooked = await fetch(`${running.url}/api/triggers/acme/${project}/orders`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ order: `w-${project}` }),
      });
      expect(hooked.status).toBe(202);
      const { runId } = (await hooked.json()) as { runId: string };
      const run = await finished(runId);
      expect(run.project).toBe(`acme/${project}`);
      const other = project === "support" ? "billing" : "support";
      expect((await inProject(project, "GET", `/api/trigger-sources/orders/runs/${runId}`)).status).toBe(200);
      expect((await inProject(other, "GET", `/api/trigger-sources/orders/runs/${runId}`)).status).toBe(404);
    }

    const disabled = await inProject("support", "POST", "/api/trigger-sources/orders/disable", {});
    expect(disabled.body.triggers.map((t) => [t.project, t.enabled])).toEqual([["acme/support", false]]);
    const after = (await inProject(undefined, "GET", "/api/trigger-sources")).body.triggers;
    expect(after.map((t) => [t.project, t.enabled]).sort()).toEqual([
      ["acme/billing", true],
      ["acme/support", false],
    ]);
    // Both projects have /orders: the URL without a project names neither.
    const ambiguous = await fetch(`${running.url}/api/triggers/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ order: "w-?" }),
    });
    expect(ambiguous.status).toBe(404);
    const skipped = await fetch(`${running.url}/api/triggers/acme/support/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ order: "w-2" }),
    });
    expect(await skipped.json()).toMatchObject({ skipped: true });
  });

  it("shows a key bound to one project only that project", async () => {
    const created = await acme("POST", "/api/organizations/acme/api-keys", {
      name: "billing only",
      project: "billing",
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const bound = (created.body as unknown as Body).key;
    const call = async (path: string, project?: string) => {
      const response = await fetch(`${running.url}${path}`, {
        headers: { "x-api-key": bound, ...(project ? { "x-keystroke-project": project } : {}) },
      });
      return { status: response.status, body: (await response.json()) as Body };
    };
    const agents = await call("/api/agents");
    expect(agents.body.project).toBe("acme/billing");
    expect((await call("/api/agents", "support")).status).toBe(404);
    const triggers = (await call("/api/trigger-sources")).body.triggers;
    expect(triggers.map((t) => t.project)).toEqual(["acme/billing"]);
  });

  it("serves both projects again after a restart", async () => {
    await running.close();
    running = await start();
    acme = client(running.url, { key: KEY });
    expect(running.deploys.map((d) => d.project).sort()).toEqual(["billing", "support"]);
    const prompted = await inProject("support", "POST", "/api/agents/helper/prompt", { message: "Back?" });
    expect(prompted.body.status).toBe("success");
    expect((await finished(prompted.body.runId)).project).toBe("acme/support");
    const after = (await inProject(undefined, "GET", "/api/trigger-sources")).body.triggers;
    expect(after.map((t) => [t.project, t.enabled]).sort()).toEqual([
      ["acme/billing", true],
      ["acme/support", false],
    ]);
  }, 30_000);

  it("serves a project from its folder over its deploy, and refuses deploys of it there", async () => {
    await running.close();
    const folder = join(dir, "support-folder");
    writeProjectFiles(folder, {
      ...projectFiles("support"),
      "src/agents/helper.ts": agentFile("helper", " from the folder"),
    });
    running = await startServer({
      port: 0,
      dbPath: join(dir, "keystroke.db"),
      projectDir: folder,
      auth: {},
    });
    acme = client(running.url, { key: KEY });
    expect(running.deploys.map((d) => d.project)).toEqual(["billing"]);
    const support = await inProject("support", "GET", "/api/agents");
    expect(support.body.agents.map((a) => a.description)).toEqual(["Answers helper questions from the folder"]);
    const billing = await inProject("billing", "GET", "/api/agents");
    expect(billing.body.agents.map((a) => a.description)).toEqual(["Answers helper questions for billing"]);
    // The folder's triggers run in the server's own engine, the deployed project's in its own: each once.
    const triggers = (await inProject(undefined, "GET", "/api/trigger-sources")).body.triggers;
    expect(triggers.map((t) => [t.project, t.url?.replace(running.url, "")]).sort()).toEqual([
      ["acme/billing", "/api/triggers/acme/billing/orders"],
      ["acme/support", "/api/triggers/orders"],
    ]);
    // The folder's webhook starts the folder project's workflow, though billing was loaded after it.
    const hooked = await fetch(`${running.url}/api/triggers/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ order: "from-folder" }),
    });
    expect(hooked.status).toBe(202);
    const folderRun = await finished(((await hooked.json()) as { runId: string }).runId);
    expect(folderRun).toMatchObject({ project: "acme/support", output: { recordedBy: "support" } });
    // Its switch works by the project the list names (the web page sends it).
    const switched = await inProject("acme/support", "POST", "/api/trigger-sources/orders/enable", {});
    expect(switched.body.triggers.map((t) => [t.project, t.enabled])).toEqual([["acme/support", true]]);
    const refused = await acme(
      "POST",
      "/api/organizations/acme/projects/support/deploys",
      upload(projectFiles("support")),
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain("from its folder");
  }, 30_000);
});
