import type { RunSummary } from "@keystroke/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlack, type FakeSlackCall, startFakeSlack } from "../../testing/fake-slack.js";
import { type DeliveryOptions, deliverSlackEvent, slackEnvelope } from "../../testing/slack-delivery.js";
import {
  SLACK_TEST_SECRET,
  SLACK_TEST_TOKEN,
  slackGatewaySource,
  writeSlackProject,
} from "../../testing/slack-project.js";
import { startTestServer, type TestServer } from "../../testing/test-server.js";
import { SLACK_MESSAGE_LIMIT } from "./split-slack-text.js";

let slack: FakeSlack;
let server: TestServer;
let eventCount = 0;
let tsCount = 0;

const nextTs = () => `1700000${String(++tsCount).padStart(3, "0")}.000100`;
const nextEventId = () => `Ev${++eventCount}`;
const deliver = (envelope: unknown, options?: DeliveryOptions) =>
  deliverSlackEvent(server.url, SLACK_TEST_SECRET, envelope, options);
const mention = (text: string, fields: { ts?: string; channel?: string; user?: string } = {}) => {
  const ts = fields.ts ?? nextTs();
  return {
    ts,
    envelope: slackEnvelope(nextEventId(), { type: "app_mention", text: `<@UBOT> ${text}`, ...fields, ts }),
  };
};
const postsIn = (threadTs: string) =>
  slack.callsOf("chat.postMessage").filter((call) => call.params.thread_ts === threadTs);

async function waitForPosts(threadTs: string, count = 1): Promise<FakeSlackCall[]> {
  const deadline = Date.now() + 15_000;
  while (postsIn(threadTs).length < count) {
    if (Date.now() > deadline)
      throw new Error(`no ${count} posts in thread ${threadTs}: ${JSON.stringify(slack.calls)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return postsIn(threadTs);
}

/** Lets deliveries that should be ignored finish, so that a test can say nothing came of them. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

const session = (threadTs: string, channel = "C1") =>
  server.get<{ run: RunSummary & { error: { message: string } | null } }>(
    `/api/agents/helpdesk/sessions/${encodeURIComponent(`slack:T1:${channel}:${threadTs}`)}`,
  );

beforeAll(async () => {
  slack = await startFakeSlack({
    botToken: SLACK_TEST_TOKEN,
    channels: { C1: "support", C2: "general" },
    users: { U1: "Ada" },
  });
  server = await startTestServer({ projectDir: writeSlackProject(slackGatewaySource(slack.apiUrl)) });
});
afterAll(async () => {
  await server?.close();
  await slack?.close();
});

describe("the Slack gateway (POST /api/gateways/slack/events)", () => {
  it("answers a mention in its thread, and History records a gateway run with the channel and the Slack user", async () => {
    const { ts, envelope } = mention("Where is the VPN guide?");
    const started = Date.now();
    const ack = await deliver(envelope);
    expect(ack).toEqual({ status: 200, body: { ok: true } });
    expect(Date.now() - started).toBeLessThan(3_000);

    const [post] = await waitForPosts(ts);
    expect(post?.params).toMatchObject({ channel: "C1", thread_ts: ts });
    expect(post?.params.text).toContain('You asked: "Where is the VPN guide?"');
    expect(slack.callsOf("reactions.add")).toContainEqual({
      method: "reactions.add",
      params: { channel: "C1", timestamp: ts, name: "eyes" },
    });
    await expect.poll(() => slack.callsOf("reactions.remove").some((c) => c.params.timestamp === ts)).toBe(true);

    const history = await server.get<{ runs: RunSummary[] }>(
      `/api/history?trigger=${encodeURIComponent("Slack · #support")}&actor=U1&source=gateway`,
    );
    const run = history.body.runs.find((r) => r.sessionId === `slack:T1:C1:${ts}`);
    expect(run).toMatchObject({
      source: "gateway",
      trigger: "Slack · #support",
      actor: { type: "gateway_user", id: "U1", name: "Ada" },
      status: "success",
    });
    const detail = await server.get<{ run: RunSummary }>(`/api/history/${run?.runId}`);
    expect(detail.body.run.triggerValue).toMatchObject({ event_id: envelope.event_id, event: { ts, user: "U1" } });
    expect(JSON.stringify(detail.body)).not.toMatch(/legacy-verification-token|authorizations|xoxb/);
  });

  it("continues the thread's session (the same run) with a later message in the thread, no mention needed", async () => {
    const { ts, envelope } = mention("How do I reset my password?");
    await deliver(envelope);
    await waitForPosts(ts);
    const first = await session(ts);

    const reply = slackEnvelope(nextEventId(), { text: "And on macOS?", ts: nextTs(), thread_ts: ts });
    expect((await deliver(reply)).status).toBe(200);
    const posts = await waitForPosts(ts, 2);
    expect(posts[1]?.params.text).toContain('You asked: "And on macOS?"');

    const after = await session(ts);
    expect(after.body.run.runId).toBe(first.body.run.runId);
    expect(after.body.run.messageCount).toBe(4);
    const runs = await server.get<{ runs: RunSummary[] }>(
      `/api/history?sessionId=${encodeURIComponent(`slack:T1:C1:${ts}`)}`,
    );
    expect(runs.body.runs).toHaveLength(1);
  });

  it("leaves alone a channel message that does not mention it, and threads it is not in", async () => {
    const topLevel = slackEnvelope(nextEventId(), { text: "lunch anyone?", ts: nextTs() });
    const otherThread = nextTs();
    const inOtherThread = slackEnvelope(nextEventId(), { text: "me!", ts: nextTs(), thread_ts: otherThread });
    expect((await deliver(topLevel)).status).toBe(200);
    expect((await deliver(inOtherThread)).status).toBe(200);
    await settle();
    expect(postsIn((topLevel.event as { ts: string }).ts)).toHaveLength(0);
    expect(postsIn(otherThread)).toHaveLength(0);
    expect((await session(otherThread)).status).toBe(404);
  });

  it("answers a direct message, labelled as one", async () => {
    const ts = nextTs();
    const dm = slackEnvelope(nextEventId(), { text: "hi, can you help?", ts, channel: "D1", channel_type: "im" });
    await deliver(dm);
    const [post] = await waitForPosts(ts);
    expect(post?.params.channel).toBe("D1");
    expect((await session(ts, "D1")).body.run.trigger).toBe("Slack · direct message");
  });

  it("refuses a bad signature, a stale timestamp or no signature with 401 and records nothing", async () => {
    const before = await server.get<{ runs: RunSummary[] }>("/api/history?limit=1000");
    const forged = mention("forged");
    const stale = mention("replayed");
    const bad = await deliver(forged.envelope, { secret: "not-the-secret" });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ error: { code: "unauthorized" } });
    const old = await deliver(stale.envelope, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(old.status).toBe(401);
    expect(JSON.stringify(old.body)).toContain("five minutes");
    const unsigned = await fetch(`${server.url}/api/gateways/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(mention("unsigned").envelope),
    });
    expect(unsigned.status).toBe(401);
    // A body changed after signing no longer matches.
    const tampered = await fetch(`${server.url}/api/gateways/slack/events`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-slack-request-timestamp": "1",
        "x-slack-signature": `v0=${"0".repeat(64)}`,
      },
      body: "{}",
    });
    expect(tampered.status).toBe(401);

    await settle();
    const after = await server.get<{ runs: RunSummary[] }>("/api/history?limit=1000");
    expect(after.body.runs.length).toBe(before.body.runs.length);
    expect(postsIn(forged.ts)).toHaveLength(0);
    expect(slack.calls.some((c) => c.params.timestamp === forged.ts || c.params.timestamp === stale.ts)).toBe(false);
  });

  it("refuses a body over 1 MiB with 413, and answers 404 on a server whose project has no gateway", async () => {
    const huge = slackEnvelope(nextEventId(), { text: "x".repeat(1024 * 1024), ts: nextTs() });
    const tooLarge = await deliver(huge);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({
      error: { code: "payload_too_large", message: expect.stringContaining("1 MiB") },
    });

    const plain = await startTestServer();
    try {
      const answer = await deliverSlackEvent(plain.url, SLACK_TEST_SECRET, mention("anyone?").envelope);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ error: { message: "This project has no Slack gateway" } });
    } finally {
      await plain.close();
    }
  });

  it("answers url_verification with its challenge", async () => {
    const answer = await deliver({
      token: "legacy",
      type: "url_verification",
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
    });
    expect(answer).toEqual({
      status: 200,
      body: { challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" },
    });
  });

  it("prompts once for Slack's retries of a delivery, and for a message that comes as both app_mention and message", async () => {
    const { ts, envelope } = mention("Is the office open on Friday?");
    const deliveries = await Promise.all([
      deliver(envelope),
      deliver(envelope, { retryNum: 1 }),
      deliver(envelope, { retryNum: 2 }),
      deliver({ ...envelope, event_id: nextEventId(), event: { ...(envelope.event as object), type: "message" } }),
    ]);
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200, 200]);
    await waitForPosts(ts);
    await deliver(envelope, { retryNum: 3 });
    await settle();
    expect(postsIn(ts)).toHaveLength(1);
    expect((await session(ts)).body.run.messageCount).toBe(2);
  });

  it("ignores its own messages and other bots', and starts nothing for an edit or a deletion", async () => {
    const { ts, envelope } = mention("What is the guest Wi-Fi password?");
    await deliver(envelope);
    await waitForPosts(ts);
    const inThread = { ts: nextTs(), thread_ts: ts };
    await deliver(slackEnvelope(nextEventId(), { ...inThread, user: slack.botUserId, text: "The password is…" }));
    await deliver(slackEnvelope(nextEventId(), { ...inThread, user: "U2", bot_id: "B2", text: "beep" }));
    await deliver(slackEnvelope(nextEventId(), { ...inThread, subtype: "bot_message", text: "boop" }));
    await deliver(slackEnvelope(nextEventId(), { ...inThread, subtype: "message_deleted", text: "" }));
    const edited = nextTs();
    const edit = slackEnvelope(nextEventId(), { ts: nextTs(), subtype: "message_changed" });
    (edit.event as Record<string, unknown>).message = {
      type: "message",
      user: "U1",
      text: "<@UBOT> edited",
      ts: edited,
    };
    delete (edit.event as Record<string, unknown>).user;
    await deliver(edit);
    await settle();
    expect(postsIn(ts)).toHaveLength(1);
    expect(postsIn(edited)).toHaveLength(0);
    expect((await session(ts)).body.run.messageCount).toBe(2);
    expect((await session(edited)).status).toBe(404);
  });

  it("posts a short error with the run id when the session fails", async () => {
    const { ts, envelope } = mention("Please simulate an outage");
    await deliver(envelope);
    const [post] = await waitForPosts(ts);
    const runId = /\(run (run_[0-9A-Z]{26})\)/.exec(post?.params.text ?? "")?.[1];
    expect(post?.params.text).toMatch(/^:warning: Sorry, something went wrong: .*outage/);
    expect(runId).toBeDefined();
    const run = await server.get<{ run: RunSummary }>(`/api/history/${runId}`);
    expect(run.body.run).toMatchObject({ status: "failed", source: "gateway", sessionId: `slack:T1:C1:${ts}` });
  });

  it("splits a long answer into several messages at paragraph breaks", async () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i + 1}: ${"lorem ipsum ".repeat(25).trim()}`);
    const { ts, envelope } = mention(paragraphs.join("\n\n"));
    await deliver(envelope);
    const runSession = async () => (await session(ts)).body.run;
    await expect.poll(async () => (await runSession())?.status, { timeout: 15_000 }).toBe("success");
    const posts = await waitForPosts(ts, 3);
    const texts = posts.map((p) => p.params.text ?? "");
    expect(texts.length).toBeGreaterThanOrEqual(3);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(SLACK_MESSAGE_LIMIT);
    for (const text of texts.slice(1)) expect(text).toMatch(/^Paragraph \d+:/);
    expect(texts.join("\n\n")).toContain(paragraphs.join("\n\n"));
  });
});

describe('the Slack gateway with listen: "all"', () => {
  let everything: TestServer;
  beforeAll(async () => {
    const source = slackGatewaySource(slack.apiUrl, 'listen: "all", channels: ["#general"]');
    everything = await startTestServer({ projectDir: writeSlackProject(source) });
  });
  afterAll(() => everything?.close());

  it("answers every message in the listed channels, and only mentions elsewhere", async () => {
    const inGeneral = nextTs();
    const inSupport = nextTs();
    const send = (envelope: unknown) => deliverSlackEvent(everything.url, SLACK_TEST_SECRET, envelope);
    await send(slackEnvelope(nextEventId(), { text: "Who can approve expenses?", ts: inGeneral, channel: "C2" }));
    await send(slackEnvelope(nextEventId(), { text: "lunch anyone?", ts: inSupport, channel: "C1" }));
    const [post] = await waitForPosts(inGeneral);
    expect(post?.params).toMatchObject({ channel: "C2", thread_ts: inGeneral });
    const runs = await everything.get<{ runs: RunSummary[] }>(
      `/api/history?trigger=${encodeURIComponent("Slack · #general")}`,
    );
    expect(runs.body.runs.map((r) => r.sessionId)).toEqual([`slack:T1:C2:${inGeneral}`]);
    await settle();
    expect(postsIn(inSupport)).toHaveLength(0);
  });
});
