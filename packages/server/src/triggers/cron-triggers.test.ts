import type { RunSummary } from "@keystroke/core";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { startTriggerServer, type TriggerServer, triggerProject } from "../testing/trigger-project.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const everySecond = `import { defineCronSource } from "keystroke/trigger";
import { record } from "../workflows/flows.js";

export default defineCronSource({
  slug: "every-second", name: "Every second", description: "Ticks each second",
  schedule: "*/1 * * * * *", timezone: "UTC", payload: { from: "cron" },
}).attach({ workflow: record });
`;

const yearly = `import { defineCronSource } from "keystroke/trigger";
import { record } from "../workflows/flows.js";

export default defineCronSource({
  slug: "yearly", name: "Yearly", description: "New year, in Paris",
  schedule: "0 0 1 1 *", timezone: "Europe/Paris",
}).attach({ workflow: record });
`;

const busy = `import { defineCronSource } from "keystroke/trigger";
import { slow } from "../workflows/flows.js";

export default defineCronSource({
  slug: "busy", name: "Busy", description: "Ticks faster than its run ends",
  schedule: "* * * * * *",
}).attach({ workflow: slow });
`;

const queued = `import { defineCronSource } from "keystroke/trigger";
import { slow } from "../workflows/flows.js";

export default defineCronSource({
  slug: "queued", name: "Queued", description: "Ticks faster than its run ends, and waits its turn",
  schedule: "* * * * * *",
}).attach({ workflow: slow, overlap: "queue" });
`;

async function runsOf(server: TriggerServer, actor: string): Promise<RunSummary[]> {
  const { body } = await server.get<{ runs: RunSummary[] }>(
    `/api/history?actor=${encodeURIComponent(actor)}&limit=500`,
  );
  return body.runs;
}

describe("cron triggers", () => {
  let project: ReturnType<typeof triggerProject> | undefined;
  let server: TriggerServer | undefined;
  afterEach(async () => {
    await server?.close();
    project?.remove();
    server = undefined;
    project = undefined;
  });

  it("fires a 6-field every-second schedule about once a second, labelled and valued", async () => {
    project = triggerProject({ "every-second.ts": everySecond });
    server = await startTriggerServer(project.dir);
    await sleep(3600);
    const runs = await runsOf(server, "every-second:record");
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(5);
    const ticks = runs.map((r) => Date.parse((r.triggerValue as { tick: string }).tick)).sort();
    for (let i = 1; i < ticks.length; i++) expect((ticks[i] ?? 0) - (ticks[i - 1] ?? 0)).toBe(1000);
    expect(runs[0]?.trigger).toBe("Cron · */1 * * * * * UTC");
    const { body } = await server.get<{ run: { input: unknown } }>(`/api/history/${runs[0]?.runId}`);
    expect(body.run.input).toEqual({ from: "cron" });
  });

  it("gives one catch-up run for the ticks missed while the server was down", async () => {
    project = triggerProject({ "yearly.ts": yearly });
    server = await startTriggerServer(project.dir);
    const { dbPath } = server;
    const listed = await server.get<{ triggers: { nextFireAt: string }[] }>("/api/trigger-sources");
    expect(listed.body.triggers[0]?.nextFireAt).toMatch(/-12-31T23:00:00.000Z$/);
    await server.close();
    // As if the server had been down across three new years: the stored next tick is long past.
    const db = new Database(dbPath);
    const missed = Date.UTC(2023, 11, 31, 23);
    db.prepare("UPDATE trigger_state SET next_fire_at = ? WHERE id = 'yearly:record'").run(missed);
    db.close();
    server = await startTriggerServer(project.dir, dbPath);
    const deadline = Date.now() + 5000;
    while ((await runsOf(server, "yearly:record")).length === 0 && Date.now() < deadline) await sleep(50);
    await sleep(500);
    const runs = await runsOf(server, "yearly:record");
    expect(runs).toHaveLength(1);
    expect(runs[0]?.triggerValue).toEqual({ tick: new Date(missed).toISOString(), catchUp: true });
    const after = await server.get<{ triggers: { nextFireAt: string }[] }>("/api/trigger-sources");
    expect(Date.parse(after.body.triggers[0]?.nextFireAt ?? "")).toBeGreaterThan(Date.now());
  });

  it("skips a tick while the previous run is active, and records the skip", async () => {
    project = triggerProject({ "busy.ts": busy });
    server = await startTriggerServer(project.dir);
    await sleep(3300);
    const runs = await runsOf(server, "busy:slow");
    expect(runs.length).toBeLessThanOrEqual(2);
    const { body } = await server.get<{ triggers: { deliveries: { outcome: string; reason: string | null }[] }[] }>(
      "/api/trigger-sources",
    );
    const skipped = body.triggers[0]?.deliveries.filter((d) => d.outcome === "skipped") ?? [];
    expect(skipped.length).toBeGreaterThanOrEqual(1);
    expect(skipped[0]?.reason).toContain("still active");
  });

  it("with overlap: queue, starts a waiting tick when the previous run ends, never two at once", async () => {
    project = triggerProject({ "queued.ts": queued });
    server = await startTriggerServer(project.dir);
    await sleep(6000);
    const runs = (await runsOf(server, "queued:slow")).sort((a, b) => a.triggeredAt.localeCompare(b.triggeredAt));
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < runs.length; i++) {
      expect(Date.parse(runs[i]?.triggeredAt ?? "")).toBeGreaterThanOrEqual(Date.parse(runs[i - 1]?.finishedAt ?? ""));
    }
    const { body } = await server.get<{ triggers: { deliveries: { outcome: string }[] }[] }>("/api/trigger-sources");
    expect(body.triggers[0]?.deliveries.every((d) => d.outcome === "started")).toBe(true);
  });
});
