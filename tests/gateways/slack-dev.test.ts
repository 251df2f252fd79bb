/**
 * The Slack gateway end to end: `keystroke dev` as a process hosts a project with
 * `gateways.slack` (its secrets in SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN), a signed mention
 * arrives as Slack would send it, the answer is posted to the fake Slack Web API, and the run is
 * found with `keystroke history list` by its Slack trigger and actor.
 */
import { rmSync } from "node:fs";
import { assertBuilt, runCli, type ServeProcess, startDevProcess } from "@keystroke/cli/testing";
import {
  deliverSlackEvent,
  type FakeSlack,
  SLACK_TEST_SECRET,
  SLACK_TEST_TOKEN,
  slackEnvelope,
  startFakeSlack,
  writeSlackProject,
} from "@keystroke/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const env = { SLACK_SIGNING_SECRET: SLACK_TEST_SECRET, SLACK_BOT_TOKEN: SLACK_TEST_TOKEN };

describe("the Slack gateway through keystroke dev", () => {
  let slack: FakeSlack;
  let dir: string;
  let dev: ServeProcess;
  beforeAll(async () => {
    assertBuilt();
    slack = await startFakeSlack({ botToken: SLACK_TEST_TOKEN, channels: { C1: "support" }, users: { U1: "Ada" } });
    dir = writeSlackProject(`{ agent: "helpdesk", apiUrl: "${slack.apiUrl}" }`);
    dev = await startDevProcess(["--port", "0", "--no-watch"], { cwd: dir, env });
  });
  afterAll(async () => {
    dev?.child.kill("SIGTERM");
    await dev?.exited;
    await slack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("answers a signed mention in the thread, and the run is in `keystroke history list`", async () => {
    const ts = "1700000100.000100";
    const envelope = slackEnvelope("EvDev1", { type: "app_mention", text: "<@UBOT> Is the build green?", ts });
    const ack = await deliverSlackEvent(dev.url, SLACK_TEST_SECRET, envelope);
    expect(ack.status).toBe(200);

    const [post] = await slack.waitForCalls("chat.postMessage");
    expect(post?.params).toMatchObject({ channel: "C1", thread_ts: ts });
    expect(post?.params.text).toContain('You asked: "Is the build green?"');

    const listed = await runCli(["history", "list", "--trigger", "Slack · #support", "--actor", "U1"], { cwd: dir });
    expect(listed.code).toBe(0);
    const { runs } = JSON.parse(listed.stdout) as {
      runs: { source: string; trigger: string; actor: { id: string; name?: string }; sessionId: string }[];
    };
    expect(runs).toEqual([
      expect.objectContaining({
        source: "gateway",
        trigger: "Slack · #support",
        actor: expect.objectContaining({ type: "gateway_user", id: "U1", name: "Ada" }),
        sessionId: `slack:T1:C1:${ts}`,
      }),
    ]);
    expect(dev.output().stdout + dev.output().stderr).not.toContain(SLACK_TEST_TOKEN);
  });

  it("refuses to start a project whose gateway names an unknown agent, saying which", async () => {
    const broken = writeSlackProject(`{ agent: "nobody", apiUrl: "${slack.apiUrl}" }`);
    try {
      const started = await runCli(["dev", "--port", "0", "--no-watch"], { cwd: broken, env });
      expect(started.code).toBe(1);
      expect(started.stderr).toContain('gateways.slack.agent "nobody" is not an agent of this project');
      expect(started.stderr).toContain("its agents: helpdesk");
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it("refuses to start a project whose gateway has no secrets, naming the variables to set", async () => {
    const unset = { SLACK_SIGNING_SECRET: "", SLACK_BOT_TOKEN: "" };
    const secretless = writeSlackProject(`{ agent: "helpdesk", apiUrl: "${slack.apiUrl}" }`);
    try {
      const started = await runCli(["dev", "--port", "0", "--no-watch"], { cwd: secretless, env: unset });
      expect(started.code).toBe(1);
      expect(started.stderr).toContain("The Slack gateway has no signingSecret or botToken");
      expect(started.stderr).toContain("SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN");
    } finally {
      rmSync(secretless, { recursive: true, force: true });
    }
  });
});
