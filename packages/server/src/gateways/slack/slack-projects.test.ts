/**
 * Two deployed projects on one team server, each with its own Slack app (signing secret): a
 * delivery signed by one app is answered by that project's agent and recorded under that project;
 * a delivery signed by neither is refused with 401, one that two projects' secrets verify with 409.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunSummary } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../start-server.js";
import { client, startAcmeServer, upload } from "../../testing/deploy-fixtures.js";
import { type FakeSlack, startFakeSlack } from "../../testing/fake-slack.js";
import { deliverSlackEvent, slackEnvelope } from "../../testing/slack-delivery.js";
import { SLACK_TEST_TOKEN, slackGatewaySource, slackProjectFiles } from "../../testing/slack-project.js";

const KEY = `ks_${randomBytes(32).toString("base64url")}`;
const SECRETS = { desk: "secret-of-the-desk-app", ops: "secret-of-the-ops-app" } as const;

describe("Slack gateways of two projects on one server", () => {
  let dir: string;
  let slack: FakeSlack;
  let running: RunningServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "keystroke-slack-projects-"));
    slack = await startFakeSlack({ botToken: SLACK_TEST_TOKEN, channels: { C1: "support" }, users: { U1: "Ada" } });
    running = await startAcmeServer(dir, KEY);
    const acme = client(running.url, { key: KEY });
    for (const [project, secret] of Object.entries(SECRETS)) {
      expect((await acme("POST", "/api/organizations/acme/projects", { slug: project, name: project })).status).toBe(
        200,
      );
      const files = slackProjectFiles(slackGatewaySource(slack.apiUrl, "", secret), project);
      const deployed = await acme("POST", `/api/organizations/acme/projects/${project}/deploys`, upload(files));
      expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
    }
  }, 30_000);

  afterAll(async () => {
    await running?.close();
    await slack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers each delivery with the project whose app signed it", async () => {
    const acme = client(running.url, { key: KEY });
    for (const [project, secret] of Object.entries(SECRETS)) {
      const ts = `1700000${project === "desk" ? "101" : "102"}.000100`;
      const envelope = slackEnvelope(`Ev-${project}`, { type: "app_mention", text: "<@UBOT> Hello?", ts });
      expect(await deliverSlackEvent(running.url, secret, envelope)).toEqual({ status: 200, body: { ok: true } });
      await expect
        .poll(() => slack.callsOf("chat.postMessage").some((call) => call.params.thread_ts === ts), { timeout: 15_000 })
        .toBe(true);
      const history = await acme("GET", "/api/history?source=gateway");
      const runs = history.body.runs as unknown as RunSummary[];
      expect(runs.find((run) => run.sessionId === `slack:T1:C1:${ts}`)?.project).toBe(`acme/${project}`);
    }
    const forged = slackEnvelope("Ev-forged", { type: "app_mention", text: "<@UBOT> Hi", ts: "1700000103.000100" });
    const refused = await deliverSlackEvent(running.url, "a secret of no app here", forged);
    expect(refused.status).toBe(401);
  }, 40_000);

  it("refuses a delivery that the secrets of two projects verify, rather than guessing", async () => {
    const acme = client(running.url, { key: KEY });
    expect((await acme("POST", "/api/organizations/acme/projects", { slug: "copy", name: "Copy" })).status).toBe(200);
    const files = slackProjectFiles(slackGatewaySource(slack.apiUrl, "", SECRETS.desk), "copy");
    expect((await acme("POST", "/api/organizations/acme/projects/copy/deploys", upload(files))).status).toBe(200);
    const envelope = slackEnvelope("Ev-both", { type: "app_mention", text: "<@UBOT> Who?", ts: "1700000104.000100" });
    const answer = await deliverSlackEvent(running.url, SECRETS.desk, envelope);
    expect(answer.status).toBe(409);
    expect(String((answer.body.error as { message: string }).message)).toContain("acme/desk, acme/copy");
  }, 30_000);
});
