import type { FastifyRequest } from "fastify";
import type { PromptOrigin } from "./agent-service.js";

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === "string" && value.length > 0 ? value.slice(0, 500) : undefined;
};

/**
 * Who prompted and from where. The CLI says so with `x-keystroke-client: cli`, the command it
 * ran and the local user; anything else is an API prompt.
 */
export function promptOrigin(request: FastifyRequest, slug: string): PromptOrigin {
  const user = header(request, "x-keystroke-user");
  const actor = { type: "user" as const, id: user ?? "local", ...(user ? {} : { name: "Local developer" }) };
  if (header(request, "x-keystroke-client") === "cli") {
    const command = header(request, "x-keystroke-command") ?? `keystroke agents prompt ${slug}`;
    return { source: "cli", trigger: { label: "CLI prompt", value: { command } }, actor };
  }
  return {
    source: "api",
    trigger: {
      label: "API prompt",
      value: { method: request.method, path: request.url, userAgent: header(request, "user-agent") },
    },
    actor,
  };
}
