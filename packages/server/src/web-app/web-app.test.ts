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

  /** The app in `<dir>/app`, beside a file that must never be served: `<dir>/secret.txt`. */
  async function serve(built: boolean): Promise<FastifyInstance> {
    dir = await mkdtemp(join(tmpdir(), "keystroke-web-"));
    const root = join(dir, "app");
    await mkdir(root);
    await writeFile(join(dir, "secret.txt"), "not for the web");
    if (built) {
      await mkdir(join(root, "assets"));
      await writeFile(join(root, "index.html"), "<!doctype html><title>Keystroke</title>");
      await writeFile(join(root, "assets", "index-abc123.js"), "console.log(1)");
      await writeFile(join(root, "favicon.svg"), "<svg/>");
    }
    app = Fastify();
    useErrorHandler(app, 1024);
    webAppRoutes(app, { dir: root });
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

  it("answers 404 for a missing file", async () => {
    await serve(true);
    expect((await app.inject({ url: "/assets/gone-123.js" })).statusCode).toBe(404);
  });

  it("never serves a file outside the app, however its `..` is spelled", async () => {
    await serve(true);
    for (const url of ["/..%2Fsecret.txt", "/%2e%2e%2fsecret.txt", "/assets%2F..%2F..%2Fsecret.txt"]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain("not for the web");
    }
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
