import type { Actor, RunSource } from "@keystroke/core";
import type { FastifyRequest } from "fastify";

/** Where a run started from an HTTP request comes from: its source, trigger and actor. */
export interface RequestOrigin {
  source: RunSource;
  trigger: { label: string; value?: unknown };
  actor: Actor;
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === "string" && value.length > 0 ? value.slice(0, 500) : undefined;
};

/**
 * Who started a run and from where. The CLI says so with `x-keystroke-client: cli`, the command it
 * ran and the local user; anything else is an API call.
 *
 * @example
 * requestOrigin(request, { cli: "CLI prompt", api: "API prompt", command: "keystroke agents prompt support" });
 */
export function requestOrigin(
  request: FastifyRequest,
  labels: { cli: string; api: string; command: string },
): RequestOrigin {
  const user = header(request, "x-keystroke-user");
  const actor = { type: "user" as const, id: user ?? "local", ...(user ? {} : { name: "Local developer" }) };
  if (header(request, "x-keystroke-client") === "cli") {
    const command = header(request, "x-keystroke-command") ?? labels.command;
    return { source: "cli", trigger: { label: labels.cli, value: { command } }, actor };
  }
  return {
    source: "api",
    trigger: {
      label: labels.api,
      value: { method: request.method, path: request.url, userAgent: header(request, "user-agent") },
    },
    actor,
  };
}
