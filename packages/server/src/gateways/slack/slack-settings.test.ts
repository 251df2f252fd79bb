import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadProject } from "../../projects/load-project.js";
import { startServer } from "../../start-server.js";
import { writeSlackProject } from "../../testing/slack-project.js";

const dirs: string[] = [];
const project = (slack: string) => {
  const dir = writeSlackProject(slack);
  dirs.push(dir);
  return dir;
};
const savedEnv = { secret: process.env.SLACK_SIGNING_SECRET, token: process.env.SLACK_BOT_TOKEN };

afterEach(async () => {
  for (const [name, value] of [
    ["SLACK_SIGNING_SECRET", savedEnv.secret],
    ["SLACK_BOT_TOKEN", savedEnv.token],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("the Slack gateway at project load", () => {
  it("refuses a gateway naming an agent the project does not have, and names the agents it has", async () => {
    const dir = project(`{ agent: "nobody", signingSecret: "s", botToken: "xoxb-t" }`);
    await expect(loadProject(dir)).rejects.toMatchObject({
      code: "invalid_input",
      message:
        'keystroke.config.ts: gateways.slack.agent "nobody" is not an agent of this project (its agents: helpdesk)',
      hint: "Known agents: helpdesk",
    });
  });

  it("refuses a gateway without its secrets, naming the environment variables to set, and the server does not start", async () => {
    delete process.env.SLACK_SIGNING_SECRET;
    delete process.env.SLACK_BOT_TOKEN;
    const dir = project(`{ agent: "helpdesk" }`);
    const refusal = {
      code: "invalid_input",
      message: "The Slack gateway has no signingSecret or botToken: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN",
    };
    await expect(loadProject(dir)).rejects.toMatchObject(refusal);
    await expect(loadProject(dir)).rejects.toMatchObject({
      hint: expect.stringContaining("SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN"),
    });
    await expect(
      startServer({ dbPath: join(dir, ".keystroke", "keystroke.db"), port: 0, projectDir: dir }),
    ).rejects.toMatchObject(refusal);

    process.env.SLACK_SIGNING_SECRET = "from-env";
    await expect(loadProject(dir)).rejects.toMatchObject({
      message: "The Slack gateway has no botToken: set SLACK_BOT_TOKEN",
    });
  });

  it("reads the secrets from SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN, and defaults to Slack's API and mentions", async () => {
    process.env.SLACK_SIGNING_SECRET = "from-env";
    process.env.SLACK_BOT_TOKEN = "xoxb-from-env";
    const loaded = await loadProject(project(`{ agent: "helpdesk" }`));
    expect(loaded.gateways.slack).toEqual({
      agent: "helpdesk",
      signingSecret: "from-env",
      botToken: "xoxb-from-env",
      apiUrl: "https://slack.com/api/",
      listen: "mentions",
      channels: undefined,
    });
  });

  it("refuses a malformed gateway block when the config is evaluated, naming the field", async () => {
    const dir = project(`{ agent: "helpdesk", signingSecret: "s", botToken: "t", listen: "everything" }`);
    await expect(loadProject(dir)).rejects.toMatchObject({
      message: expect.stringContaining('gateways.slack.listen must be "mentions" or "all"'),
    });
  });
});
