import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../projects/load-project.js";
import { startTriggerServer, type TriggerServer, triggerProject } from "../testing/trigger-project.js";

const cron = (schedule: string, slug = "report") => `import { defineCronSource } from "keystroke/trigger";
import { record, refund } from "../workflows/flows.js";

const source = defineCronSource({ slug: "${slug}", name: "Report", description: "A report", schedule: "${schedule}", timezone: "UTC" });
export const toRecord = source.attach({ workflow: record });
export const toRefund = source.attach({ workflow: refund });
`;

interface View {
  id: string;
  enabled: boolean;
  nextFireAt: string | null;
  source: { schedule?: string };
}

describe("a project reload", () => {
  let project: ReturnType<typeof triggerProject>;
  let server: TriggerServer;
  const list = async () => (await server.get<{ triggers: View[] }>("/api/trigger-sources")).body.triggers;
  const reload = async () => server.server.triggers.use(await loadProject(project.dir));

  beforeAll(async () => {
    project = triggerProject({ "report.ts": cron("0 6 * * *") });
    server = await startTriggerServer(project.dir);
  });
  afterAll(async () => {
    await server?.close();
    project?.remove();
  });

  it("re-reads the attachments: a new schedule moves the next tick, a disable stays", async () => {
    await server.post("/api/trigger-sources/report/disable", { workflow: "refund" });
    writeFileSync(join(project.dir, "src/triggers/report.ts"), cron("30 18 * * *"));
    await reload();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [toRecord, toRefund] = await list();
    expect(toRecord?.source.schedule).toBe("30 18 * * *");
    expect(new Date(toRecord?.nextFireAt ?? "").getUTCHours()).toBe(18);
    expect(toRefund).toMatchObject({ id: "report:refund", enabled: false, nextFireAt: null });
  });

  it("refuses a project whose trigger is invalid, naming the file and the field", async () => {
    writeFileSync(join(project.dir, "src/triggers/report.ts"), cron("0 25 * * *"));
    await expect(loadProject(project.dir)).rejects.toThrow(
      /src\/triggers\/report\.ts: .*schedule "0 25 \* \* \*".*hour/,
    );
    writeFileSync(join(project.dir, "src/triggers/report.ts"), cron("0 6 * * *"));
  });
});
