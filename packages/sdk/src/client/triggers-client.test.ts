import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import { type RunningServer, startServer } from "@keystroke/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeProjectFiles } from "../../../server/src/testing/project-files.js";
import { KeystrokeClient } from "./keystroke-client.js";

const project: Record<string, string> = {
  "package.json": JSON.stringify({ name: "client-triggers", private: true, type: "module" }),
  "keystroke.config.ts": `import { defineConfig } from "keystroke/config";
export default defineConfig({ organization: "acme", project: "client-triggers" });
`,
  "src/workflows/ship.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
export const ship = defineWorkflow({
  slug: "ship", name: "Ship", description: "Ships an order",
  input: z.object({ orderId: z.string() }), output: z.object({ shipped: z.string() }),
  async run({ orderId }, ctx) {
    return { shipped: await ctx.step("label", () => orderId) };
  },
});
`,
  "src/workflows/tidy.ts": `import { defineWorkflow } from "keystroke/workflow";
import { z } from "zod";
export const tidy = defineWorkflow({
  slug: "tidy", name: "Tidy", description: "Tidies up",
  input: z.object({}), output: z.object({}),
  async run() {
    return {};
  },
});
`,
  "src/triggers/orders.ts": `import { defineWebhookSource } from "keystroke/trigger";
import { z } from "zod";
import { ship } from "../workflows/ship.js";
export const orders = defineWebhookSource({
  slug: "orders", name: "Orders", description: "The shop posts each order", endpoint: "/orders",
  request: z.object({ orderId: z.string() }),
}).attach({ workflow: ship });
`,
  "src/triggers/nightly.ts": `import { defineCronSource } from "keystroke/trigger";
import { tidy } from "../workflows/tidy.js";
export const nightly = defineCronSource({
  slug: "nightly", name: "Nightly", description: "3:00 in Paris",
  schedule: "0 3 * * *", timezone: "Europe/Paris",
}).attach({ workflow: tidy });
`,
};

async function rejection(promise: Promise<unknown>): Promise<KeystrokeError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(KeystrokeError);
  return error as KeystrokeError;
}

describe("KeystrokeClient triggers", () => {
  let dir: string;
  let server: RunningServer;
  let client: KeystrokeClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "keystroke-client-triggers-"));
    writeProjectFiles(dir, project);
    server = await startServer({ host: "127.0.0.1", port: 0, dbPath: join(dir, "k.db"), projectDir: dir });
    client = new KeystrokeClient({ baseUrl: server.url });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists each attachment with its source, target, schedule or URL, and next fire", async () => {
    const { triggers } = await client.listTriggers();
    expect(triggers.map((t) => t.id)).toEqual(["nightly:tidy", "orders:ship"]);
    const [nightly, orders] = triggers;
    expect(nightly).toMatchObject({
      source: { slug: "nightly", name: "Nightly", kind: "cron", schedule: "0 3 * * *", timezone: "Europe/Paris" },
      target: { kind: "workflow", slug: "tidy" },
      enabled: true,
      overlap: "skip",
      lastFireAt: null,
      lastError: null,
    });
    expect(Date.parse(nightly?.nextFireAt ?? "")).toBeGreaterThan(Date.now());
    expect(orders).toMatchObject({
      source: { kind: "webhook", endpoint: "/orders" },
      target: { kind: "workflow", slug: "ship" },
      url: `${server.url}/api/triggers/orders`,
      nextFireAt: null,
    });
  });

  it("invokes a source as a delivery and reads the run it started", async () => {
    const { runIds } = await client.invokeTrigger("orders", { input: { orderId: "A-1" }, workflow: "ship" });
    expect(runIds).toHaveLength(1);
    const runId = runIds[0] ?? "";
    const view = await client.getTriggerRun("orders", runId, { steps: true });
    expect(view.run).toMatchObject({
      runId,
      kind: "workflow",
      slug: "ship",
      source: "trigger",
      trigger: "Webhook · /orders",
      actor: { type: "trigger", id: "orders:ship" },
      input: { orderId: "A-1" },
    });
    const other = await rejection(client.getTriggerRun("nightly", runId));
    expect(other.code).toBe("not_found");
    const orders = (await client.listTriggers()).triggers.find((t) => t.id === "orders:ship");
    expect(orders?.lastFireAt).not.toBeNull();
    expect(orders?.deliveries?.[0]).toMatchObject({ outcome: "started", runId });
  });

  it("disables and enables one attachment, and the list says so", async () => {
    const off = await client.setTriggerEnabled("nightly", false, { workflow: "tidy" });
    expect(off.triggers).toEqual([expect.objectContaining({ id: "nightly:tidy", enabled: false })]);
    expect((await client.listTriggers()).triggers.find((t) => t.id === "nightly:tidy")?.enabled).toBe(false);
    const on = await client.setTriggerEnabled("nightly", true);
    expect(on.triggers).toEqual([expect.objectContaining({ id: "nightly:tidy", enabled: true })]);
  });

  it("rejects an unknown source with not_found naming the known ones", async () => {
    const error = await rejection(client.invokeTrigger("nope"));
    expect(error.code).toBe("not_found");
    expect(`${error.message} ${error.hint ?? ""}`).toMatch(/nightly.*orders|orders.*nightly/);
  });
});
