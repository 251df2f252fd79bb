import type { ErrorPayload } from "@keystroke/core";

const MAX_STACK = 20_000;

/** Anything thrown → the error payload recorded on a run, a tool call or a model call. */
export function toErrorPayload(thrown: unknown): ErrorPayload {
  if (thrown instanceof Error) {
    const extra = thrown as Error & { code?: unknown; statusCode?: unknown; url?: unknown; responseBody?: unknown };
    const details: Record<string, unknown> = {};
    if (typeof extra.statusCode === "number") details.statusCode = extra.statusCode;
    if (typeof extra.url === "string") details.url = extra.url;
    if (typeof extra.responseBody === "string") details.responseBody = extra.responseBody.slice(0, 2000);
    return {
      message: thrown.message || thrown.name,
      name: thrown.name,
      ...(typeof extra.code === "string" ? { code: extra.code } : {}),
      ...(thrown.stack ? { stack: thrown.stack.slice(0, MAX_STACK) } : {}),
      ...(Object.keys(details).length > 0 ? { details } : {}),
    };
  }
  return { message: typeof thrown === "string" ? thrown : (JSON.stringify(thrown) ?? String(thrown)) };
}
