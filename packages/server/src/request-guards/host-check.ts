/**
 * Why: a web page can point a DNS name it controls at 127.0.0.1 ("DNS rebinding"); the browser
 * then treats this server as that page's own origin and lets it read runs and start sessions.
 * The one thing such a request cannot fake is its Host header, so every request, on every
 * route, must name a loopback host or one the server was configured to serve.
 */
import { KeystrokeError } from "@keystroke/core";
import type { FastifyInstance } from "fastify";
import { hostNameOf, isLoopbackName } from "./host-names.js";

function refusedHost(host: string | undefined): KeystrokeError {
  const name = hostNameOf(host);
  const shown = host === undefined ? "(none)" : `"${host}"`;
  return new KeystrokeError("forbidden", `Host ${shown} is not served by this server`, {
    hint:
      name === undefined
        ? "Send a Host header naming this server, e.g. localhost or 127.0.0.1"
        : `This server answers loopback names and the names it was started with; to allow this one, start it with --allowed-host ${name} (or KEYSTROKE_ALLOWED_HOSTS=${name})`,
    details: { host: host ?? null },
  });
}

/**
 * Refuses (403 `forbidden`) every request whose Host is not localhost, 127.0.0.0/8, [::1] or one
 * of `allowedHosts` (normalized names, see host-names.ts).
 */
export function useHostCheck(app: FastifyInstance, allowedHosts: ReadonlySet<string>): void {
  app.addHook("onRequest", async (request) => {
    // RFC 9112 §3.2: a request with more than one Host is answered 400; Node keeps only the first.
    let hosts = 0;
    const raw = request.raw.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) if ((raw[i] as string).toLowerCase() === "host") hosts++;
    if (hosts > 1) {
      throw new KeystrokeError("invalid_input", `A request may carry one Host header; this one carried ${hosts}`, {
        hint: "Send one Host header naming this server",
        details: { hosts },
      });
    }
    const host = request.headers.host;
    const name = hostNameOf(host);
    if (name !== undefined && (isLoopbackName(name) || allowedHosts.has(name))) return;
    throw refusedHost(host);
  });
}
