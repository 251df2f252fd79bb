/**
 * The checks every request passes before its route runs, in this order: its Host (DNS
 * rebinding), where a browser sent it from (cross-site state changes), and whether its body fits
 * in what the server holds in flight. Answers sent before a body was read stay readable.
 */
import type { FastifyInstance } from "fastify";
import { useHostCheck } from "./host-check.js";
import { normalizeAllowedHosts } from "./host-names.js";
import { type InFlightLimitOptions, useInFlightLimit } from "./in-flight-limit.js";
import { useReadableRefusals } from "./readable-refusals.js";
import { useSameOriginCheck } from "./same-origin-check.js";

export interface RequestGuardOptions {
  /** Host names served besides localhost, 127.0.0.0/8 and [::1]. */
  allowedHosts?: readonly string[];
  /** The budgets of requests with a body in flight. */
  inFlight?: InFlightLimitOptions;
}

/**
 * Adds the request guards to `app`; call it before any route is registered.
 *
 * @example
 * useRequestGuards(app, { allowedHosts: ["keystroke.example.com"] }, 16 * 1024 * 1024);
 */
export function useRequestGuards(app: FastifyInstance, options: RequestGuardOptions, bodyLimitBytes: number): void {
  useHostCheck(app, normalizeAllowedHosts(options.allowedHosts ?? []));
  useSameOriginCheck(app);
  useInFlightLimit(app, options.inFlight ?? {}, bodyLimitBytes, {
    who: "The server",
    hint: "Retry after the number of seconds in Retry-After, or send fewer requests at once",
  });
  useReadableRefusals(app);
}
