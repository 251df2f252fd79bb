import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { useErrorHandler } from "../errors/error-handler.js";
import { webAppRoutes } from "./web-app.js";

describe("the web app routes", () => {
  let dir: string;
  let app: FastifyInstance;
  afterEach(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function serve(built: boolean): Promise<FastifyInstance> {
    dir = await mkdtemp(join(tmpdir(), "keystroke-web-"));
    if (built) {
      await mkdir(join(dir, "assets"));
      await writeFile(join(dir, "index.html"), "<!doctype html><title>Keystroke</title>");
      await writeFile(join(dir, "assets", "index-abc123.js"), "console.log(1)");
      await writeFile(join(dir, "favicon.svg"), "<svg/>");
    }
    app = Fastify();
    useErrorHandler(app, 1024);
    webAppRoutes(app, { dir });
    return app;
  }

  it("serves index.html at / and at client routes, never cached", async () => {
    await serve(true);
    for (const url of ["/", "/runs/run_01JDEM00000000000000000000?tab=trace"]) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.body).toContain("<title>Keystroke</title>");
    }
  });

  it("serves hashed assets with their type and a long cache", async () => {
    await serve(true);
    const res = await app.inject({ url: "/assets/index-abc123.js" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(res.headers["cache-control"]).toContain("immutable");
    expect((await app.inject({ url: "/favicon.svg" })).headers["content-type"]).toBe("image/svg+xml");
  });

  it("answers 404 for a missing file and for paths outside the app", async () => {
    await serve(true);
    expect((await app.inject({ url: "/assets/gone-123.js" })).statusCode).toBe(404);
    expect((await app.inject({ url: "/..%2F..%2Fetc%2Fpasswd.txt" })).statusCode).toBe(404);
  });

  it("leaves unknown API paths to the API's JSON 404", async () => {
    await serve(true);
    const res = await app.inject({ url: "/api/nothing-here" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: "not_found", message: "No route GET /api/nothing-here" } });
  });

  it("says how to build the page when it is not built", async () => {
    await serve(false);
    const res = await app.inject({ url: "/" });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain("npm run build");
  });
});
