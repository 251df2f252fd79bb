import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasScript, onTerminal, visibleText } from "../../testing/on-terminal.js";
import { assertBuilt, runCli, runCliJson } from "../../testing/run-cli.js";
import { startTriggerServer, type TriggerServer } from "../../testing/trigger-project.js";

describe("keystroke triggers url", () => {
  let server: TriggerServer;
  const url = (...rest: string[]) => ["triggers", "url", "--url", server.url, ...rest];

  beforeAll(async () => {
    assertBuilt();
    server = await startTriggerServer();
  });
  afterAll(() => server?.close());

  it("prints the URL of a webhook source, one for all its attachments", async () => {
    const { json } = await runCliJson(url("new-orders"));
    expect(json).toEqual({ slug: "new-orders", urls: [`${server.url}/api/triggers/orders`] });
  });

  it.skipIf(!hasScript)("prints the bare URL on a terminal", async () => {
    const { code, screen } = await onTerminal(url("new-orders"));
    expect(code).toBe(0);
    expect(visibleText(screen).trim()).toBe(`${server.url}/api/triggers/orders`);
  });

  it("refuses a cron or poll source, naming the webhook sources", async () => {
    const result = await runCli(url("weekday-report"));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'Error: "weekday-report" is a cron source: only webhook sources have a URL\nHint: Webhook sources: new-orders\n',
    );
  });

  it("refuses an unknown source, naming the known ones", async () => {
    const result = await runCli([...url("nope"), "--json"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: No trigger source "nope"');
    expect(result.stderr).toContain("Hint: Trigger sources: new-orders, new-tickets, weekday-report");
    expect(JSON.parse(result.stderr.trim().split("\n").at(-1) ?? "")).toMatchObject({ error: { code: "not_found" } });
  });
});
