import type { RunDetail } from "@keystroke/core";
import type { TriggerInvoked } from "keystroke/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasScript, onTerminal, visibleText } from "../../testing/on-terminal.js";
import { assertBuilt, runCli, runCliJson } from "../../testing/run-cli.js";
import { startTriggerServer, type TriggerServer, waitForRun } from "../../testing/trigger-project.js";

describe("keystroke triggers invoke", () => {
  let server: TriggerServer;
  const invoke = (...rest: string[]) => ["triggers", "invoke", "--url", server.url, ...rest];

  beforeAll(async () => {
    assertBuilt();
    server = await startTriggerServer();
  });
  afterAll(() => server?.close());

  it("fires one attachment with the event as input and prints { runIds }", async () => {
    const { json } = await runCliJson<TriggerInvoked>(
      invoke("new-orders", "--input", '{"orderId":"A-7"}', "--workflow", "fulfil-order"),
    );
    expect(json.runIds).toHaveLength(1);
    const runId = json.runIds[0] ?? "";
    await waitForRun(server.client, runId);
    const run = (await runCliJson<RunDetail>(["history", "get", "--url", server.url, runId])).json;
    expect(run).toMatchObject({
      slug: "fulfil-order",
      status: "success",
      source: "trigger",
      trigger: "Webhook · /orders",
      actor: { type: "trigger", id: "new-orders:fulfil-order", name: "New orders" },
      input: { orderId: "A-7" },
      output: { shipped: "A-7" },
    });
  });

  it("fires every attachment of the source without --workflow or --agent", async () => {
    const { json } = await runCliJson<TriggerInvoked>(invoke("new-orders", "--input", '{"orderId":"A-8"}'));
    expect(json.runIds).toHaveLength(2);
    const kinds = await Promise.all(json.runIds.map(async (id) => (await server.client.getRun(id)).run.slug));
    expect(kinds.sort()).toEqual(["fulfil-order", "support"]);
  });

  it("starts nothing when the source's filter drops the event", async () => {
    const { json } = await runCliJson<TriggerInvoked>(
      invoke("new-orders", "--input", '{"orderId":"T-1","test":true}', "--workflow", "fulfil-order"),
    );
    expect(json.runIds).toEqual([]);
  });

  it.skipIf(!hasScript)("says on a terminal which runs started, or why none did", async () => {
    const started = await onTerminal(invoke("new-orders", "--input", '{"orderId":"A-10"}', "--agent", "support"));
    expect(started.code).toBe(0);
    expect(visibleText(started.screen)).toMatch(
      /Started 1 run:\n {2}(run_\S+)\n\nFollow it with `keystroke triggers runs get new-orders run_\S+ --summary`/,
    );
    const none = await onTerminal(invoke("new-orders", "--input", '{"orderId":"T-2","test":true}'));
    expect(none.code).toBe(0);
    expect(visibleText(none.screen)).toContain("No run started.");
  });

  it("fires a cron source with its payload", async () => {
    const { json } = await runCliJson<TriggerInvoked>(invoke("weekday-report"));
    expect(json.runIds).toHaveLength(1);
    const run = await server.client.getRun(json.runIds[0] ?? "");
    expect(run.run).toMatchObject({ slug: "daily-report", trigger: "Cron · 0 9 * * 1-5 Europe/Paris", input: {} });
  });

  it("refuses --input that is not JSON, naming the flag, and starts nothing", async () => {
    const before = (await server.client.listRuns()).runs.length;
    const result = await runCli(invoke("new-orders", "--input", "{orderId: A-9}"));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^Error: Invalid --input "\{orderId: A-9\}": expected JSON such as/);
    expect((await server.client.listRuns()).runs.length).toBe(before);
  });

  it("refuses --workflow with --agent, and input the source refuses with the server's message", async () => {
    const both = await runCli(invoke("new-orders", "--workflow", "fulfil-order", "--agent", "support"));
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("Error: Invalid --workflow");
    expect(both.stderr).toContain("use --workflow or --agent, not both");
    const invalid = await runCli(invoke("new-orders", "--input", '{"order":1}'));
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^Error: Invalid input: orderId/);
  });

  it("names the known sources for an unknown one", async () => {
    const result = await runCli(invoke("nope"));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nope/);
    expect(result.stderr).toMatch(/new-orders/);
  });
});
