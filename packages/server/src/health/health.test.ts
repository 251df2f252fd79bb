import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "@keystroke/store";
import { describe, expect, it } from "vitest";
import { createServer } from "../create-server.js";
import { startTestServer } from "../testing/test-server.js";

describe("GET /api/health", () => {
  it("answers ok with the version, the store and the uptime", async () => {
    const server = await startTestServer();
    try {
      const { status, body } = await server.get<{ status: string; version: string; store: string; uptimeMs: number }>(
        "/api/health",
      );
      expect(status).toBe(200);
      expect(body).toEqual({ status: "ok", version: "0.1.0", store: "ok", uptimeMs: expect.any(Number) });
      expect(body.uptimeMs).toBeGreaterThanOrEqual(0);
    } finally {
      await server.close();
    }
  });

  it("answers 503 unavailable when the store cannot be read", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keystroke-health-"));
    const store = openSqliteStore(join(dir, "keystroke.db"));
    const server = createServer({ store, version: "9.9.9" });
    try {
      await server.listen({ port: 0, host: "127.0.0.1" });
      await store.close();
      const address = server.server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      const response = await fetch(`http://127.0.0.1:${port}/api/health`);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(response.status).toBe(503);
      expect(body.error.code).toBe("unavailable");
      expect(body.error.message).toContain("The store is not answering");
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
