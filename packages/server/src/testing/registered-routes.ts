/**
 * Every route a Fastify app serves, read from Fastify's own route table (`printRoutes`), so tests
 * that must cover every route also cover the ones added later.
 */
import type { FastifyInstance } from "fastify";

export interface RegisteredRoute {
  method: string;
  /** The route's pattern, e.g. `/api/runs/:runId/cancel`. */
  url: string;
}

const LINE = /^((?:│ {3}| {4})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/;

/** The routes of a ready `app`, one per method (HEAD included). */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const parents: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const match = LINE.exec(line);
    if (!match) continue;
    const level = (match[1] as string).length / 4;
    const url = `${parents[level - 1] ?? ""}${match[2]}`;
    parents[level] = url;
    parents.length = level + 1;
    for (const method of match[3]?.split(", ") ?? []) routes.push({ method, url });
  }
  return routes;
}

/** A request path for a route pattern: each `:param` and `*` filled with `value`. */
export function samplePath(url: string, value = "x"): string {
  return url.replace(/:[^/]+/g, value).replace(/\*/g, value);
}
