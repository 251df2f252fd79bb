import type { TriggerList } from "keystroke/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../../../../server/src/testing/test-server.js";
import { hasScript, onTerminal, visibleText } from "../../testing/on-terminal.js";
import { assertBuilt, runCliJson } from "../../testing/run-cli.js";
import { startTriggerServer, type TriggerServer } from "../../testing/trigger-project.js";

describe("keystroke triggers list", () => {
  let server: TriggerServer;

  beforeAll(async () => {
    assertBuilt();
    server = await startTriggerServer();
  });
  afterAll(() => server?.close());

  it("prints every attachment as JSON: source, target, enabled, fire times", async () => {
    const { json } = await runCliJson<TriggerList>(["triggers", "list", "--url", server.url]);
    expect(json.triggers.map((t) => t.id)).toEqual([
      "new-orders:fulfil-order",
      "new-orders:support",
      "new-tickets:support",
      "weekday-report:daily-report",
    ]);
    const cron = json.triggers.find((t) => t.source.kind === "cron");
    expect(cron).toMatchObject({
      source: { slug: "weekday-report", schedule: "0 9 * * 1-5", timezone: "Europe/Paris" },
      target: { kind: "workflow", slug: "daily-report" },
      enabled: true,
      lastError: null,
    });
    expect(Date.parse(cron?.nextFireAt ?? "")).toBeGreaterThan(Date.now());
    expect(json.triggers[0]).toMatchObject({ url: `${server.url}/api/triggers/orders`, nextFireAt: null });
  });

  it.skipIf(!hasScript)("shows a table on a terminal", async () => {
    const { code, screen } = await onTerminal(["triggers", "list", "--url", server.url]);
    expect(code).toBe(0);
    const lines = visibleText(screen).trim().split("\n");
    expect(lines[0]).toMatch(
      /^Slug\s+Kind\s+Target\s+Schedule \/ endpoint\s+Enabled\s+Last fire\s+Next fire\s+Last error$/,
    );
    expect(lines.find((l) => l.startsWith("weekday-report"))).toMatch(
      /^weekday-report\s+Cron\s+workflow daily-report\s+0 9 \* \* 1-5 Europe\/Paris\s+yes\s+—\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+—$/,
    );
    expect(lines.find((l) => l.includes("new-orders") && l.includes("agent support"))).toMatch(
      /^new-orders\s+Webhook\s+agent support\s+\/orders\s+yes\s/,
    );
    expect(lines.find((l) => l.startsWith("new-tickets"))).toMatch(/^new-tickets\s+Poll\s+agent support\s+1h\s+yes\s/);
  });

  it.skipIf(!hasScript)("says so when the server hosts no triggers", async () => {
    const empty = await startTestServer();
    try {
      expect((await runCliJson<TriggerList>(["triggers", "list", "--url", empty.url])).json).toEqual({ triggers: [] });
      const { screen } = await onTerminal(["triggers", "list", "--url", empty.url]);
      expect(visibleText(screen).trim()).toBe(
        "No triggers: the server hosts no project, or its project has none under src/triggers.",
      );
    } finally {
      await empty.close();
    }
  });
});
