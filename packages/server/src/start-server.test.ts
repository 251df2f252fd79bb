import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startServer } from "./start-server.js";
import { runCreated } from "./testing/run-events.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "keystroke-start-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("startServer", () => {
  it("creates the database folder, serves on 127.0.0.1 and keeps the data across restarts", async () => {
    const dbPath = join(dir, "nested", ".keystroke", "keystroke.db");
    const first = await startServer({ dbPath, port: 0 });
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(dbPath)).toBe(true);
    const { runId, event } = runCreated();
    const ingest = await fetch(`${first.url}/api/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ runId, events: [event] }),
    });
    expect(ingest.status).toBe(200);
    await first.close();
    await expect(fetch(`${first.url}/api/health`)).rejects.toThrow();

    const second = await startServer({ dbPath, port: 0 });
    const detail = await fetch(`${second.url}/api/history/${runId}`);
    expect(detail.status).toBe(200);
    await second.close();
  });

  it("rejects with the listen error when the port is taken", async () => {
    const first = await startServer({ dbPath: join(dir, "a.db"), port: 0 });
    const port = Number(new URL(first.url).port);
    await expect(startServer({ dbPath: join(dir, "b.db"), port })).rejects.toThrow(/EADDRINUSE/);
    await first.close();
  });
});
