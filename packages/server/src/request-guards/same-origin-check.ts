/**
 * Why: a page on another site can send a POST here without reading the answer (a form, or
 * `fetch` with `mode: "no-cors"`), and a body-less POST such as a cancel needs no CORS preflight.
 * Browsers say where a request comes from — `Sec-Fetch-Site`, or at least `Origin` — so a
 * state-changing request that a browser marks as coming from elsewhere is refused. Clients that
 * are not browsers (the CLI, OTLP exporters, curl) send neither header and pass; routes with a
 * credential of their own (own-credential-routes.ts) are exempt. No CORS headers are ever sent.
 */
import { KeystrokeError } from "@keystroke/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { hasOwnCredential } from "./own-credential-routes.js";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The `host:port` an Origin header names, or undefined for `null` and anything unparsable. */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** Whether a browser says the request comes from a page of this server (or the user typed it). */
function isSameOrigin(request: FastifyRequest): boolean {
  const site = header(request, "sec-fetch-site");
  if (site !== undefined) return site === "same-origin" || site === "none";
  const origin = header(request, "origin");
  if (origin === undefined) return true;
  return originHost(origin) === request.headers.host?.toLowerCase();
}

/**
 * The refusal (403 `forbidden`) of a request a browser sent from another origin, or undefined
 * when it comes from a page of this server or from a client that is not a browser. For a route
 * exempt from the check that has no credential after all (an unsigned webhook source).
 */
export function crossSiteRefusal(request: FastifyRequest): KeystrokeError | undefined {
  if (isSameOrigin(request)) return undefined;
  const path = request.url.split("?", 1)[0] as string;
  const origin = header(request, "origin");
  const from = origin !== undefined ? `origin ${origin}` : `a ${header(request, "sec-fetch-site")} page`;
  return new KeystrokeError("forbidden", `Cross-site ${request.method} ${path} refused: sent from ${from}`, {
    hint: "Change state from the Keystroke web page this server serves, or from a client that is not a browser (the CLI, an SDK, curl); this server allows no other origins",
    details: { origin: origin ?? null, secFetchSite: header(request, "sec-fetch-site") ?? null },
  });
}

/** Refuses (403 `forbidden`) POST, PUT, PATCH and DELETE requests a browser sent from another origin. */
export function useSameOriginCheck(app: FastifyInstance): void {
  app.addHook("onRequest", async (request) => {
    if (!STATE_CHANGING.has(request.method)) return;
    if (hasOwnCredential(request.routeOptions.url ?? (request.url.split("?", 1)[0] as string))) return;
    const refused = crossSiteRefusal(request);
    if (refused) throw refused;
  });
}
