/**
 * Serves the built web page (packages/web/dist) at `/`: hashed assets with a year-long cache,
 * index.html with no-cache for every other path that is not the API, so client routes such as
 * `/runs/run_…` reload into the app. Before the page is built, a short page says how to build it.
 */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply } from "fastify";

/**
 * The built web app: the copy `npm run pack` puts in this package's dist/web when it is installed
 * from its tarball, else packages/web/dist beside it in the repository (from src/ or dist/).
 */
export const defaultWebAppDir: string = existsSync(fileURLToPath(new URL("../web/index.html", import.meta.url)))
  ? fileURLToPath(new URL("../web/", import.meta.url))
  : fileURLToPath(new URL("../../../web/dist/", import.meta.url));

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Keystroke</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;color:#1f2328}
code{background:#f0f1f3;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>The web page is not built</h1>
<p>This server answers the API at <code>/api</code>, but the History page has not been built yet.</p>
<p>Run <code>npm run build</code> at the root of the repository, then reload.</p></body></html>`;

/** The file a URL path names inside root; undefined when it is missing or `..` would leave root. */
async function fileIn(root: string, urlPath: string): Promise<string | undefined> {
  const base = resolve(root) + sep;
  const path = resolve(base, decodeURIComponent(urlPath).replace(/^[/\\]+/, ""));
  if (!path.startsWith(base)) return undefined;
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() ? path : undefined;
}

async function sendFile(reply: FastifyReply, path: string, cache: string): Promise<FastifyReply> {
  const type = contentTypes[extname(path)] ?? "application/octet-stream";
  return reply
    .header("content-type", type)
    .header("cache-control", cache)
    .send(await readFile(path));
}

export interface WebAppOptions {
  /** The folder of the built app; defaults to {@link defaultWebAppDir}. */
  dir?: string;
}

/**
 * Registers `GET /*` for the web page; API paths without a route still answer the API's 404.
 *
 * @example
 * webAppRoutes(app); // GET / → index.html, GET /assets/index-3f2a.js → the script
 */
export function webAppRoutes(app: FastifyInstance, options: WebAppOptions = {}): void {
  const root = options.dir ?? defaultWebAppDir;
  app.get("/*", async (request, reply) => {
    const path = request.url.split("?", 1)[0] ?? "/";
    if (path === "/api" || path.startsWith("/api/")) return reply.callNotFound();
    const asset = path === "/" ? undefined : await fileIn(root, path).catch(() => undefined);
    if (asset !== undefined) {
      const hashed = path.startsWith("/assets/");
      return sendFile(reply, asset, hashed ? "public, max-age=31536000, immutable" : "no-cache");
    }
    if (extname(path) !== "") return reply.status(404).header("content-type", contentTypes[".txt"]).send("Not found");
    const index = await fileIn(root, "index.html");
    if (index === undefined) {
      return reply
        .status(503)
        .header("content-type", contentTypes[".html"])
        .header("cache-control", "no-store")
        .send(notBuiltPage);
    }
    return sendFile(reply, index, "no-cache");
  });
}
