import type { TriggerList } from "keystroke/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, runCli, runCliJson } from "../../testing/run-cli.js";
import { startTriggerServer, type TriggerServer } from "../../testing/trigger-project.js";

describe("keystroke triggers disable and enable", () => {
  let server: TriggerServer;
  const cli = (...args: string[]) => [...args, "--url", server.url];
  const enabled = async () =>
    Object.fromEntries(
      (await runCliJson<TriggerList>(cli("triggers", "list"))).json.triggers.map((t) => [t.id, t.enabled]),
    );

  beforeAll(async () => {
    assertBuilt();
    server = await startTriggerServer();
  });
  afterAll(() => server?.close());

  it("turns off one attachment with --agent and prints it; the list agrees", async () => {
    const { json } = await runCliJson<TriggerList>(cli("triggers", "disable", "new-orders", "--agent", "support"));
    expect(json.triggers.map((t) => [t.id, t.enabled])).toEqual([["new-orders:support", false]]);
    expect(await enabled()).toMatchObject({ "new-orders:support": false, "new-orders:fulfil-order": true });
  });

  it("turns a whole source off and on, and a disabled cron has no next fire", async () => {
    const off = await runCliJson<TriggerList>(cli("triggers", "disable", "weekday-report"));
    expect(off.json.triggers).toEqual([
      expect.objectContaining({ id: "weekday-report:daily-report", enabled: false, nextFireAt: null }),
    ]);
    const on = await runCliJson<TriggerList>(cli("triggers", "enable", "weekday-report"));
    expect(on.json.triggers[0]?.enabled).toBe(true);
    expect(Date.parse(on.json.triggers[0]?.nextFireAt ?? "")).toBeGreaterThan(Date.now());
    await runCliJson(cli("triggers", "enable", "new-orders"));
    expect(Object.values(await enabled()).every(Boolean)).toBe(true);
  });

  it("fails on an attachment the source does not have, and on an unknown source", async () => {
    const wrong = await runCli(cli("triggers", "disable", "new-orders", "--workflow", "daily-report"));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^Error: .*daily-report/);
    const unknown = await runCli(cli("triggers", "enable", "nope"));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^Error: .*nope/);
    expect(await enabled()).toMatchObject({ "new-orders:fulfil-order": true });
  });
});
