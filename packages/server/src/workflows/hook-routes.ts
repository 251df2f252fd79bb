/**
 * Hook URLs: `POST /api/hooks/:token` with a JSON body resumes the waiting run with that body;
 * `GET` resumes it with no body, for a link in an email or a chat. The token is the credential:
 * the store keeps its SHA-256, and it works once — used 409, unknown 404, expired 410. A body
 * that fails the hook's schema gets 400 naming the field, and the run keeps waiting.
 */
import { type HookReply, KeystrokeError } from "@keystroke/core";
import type { FastifyInstance } from "fastify";
import { hashHookToken } from "keystroke/runtime";
import { z } from "zod";
import type { ServerContext } from "../server-context.js";

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

function unknownHook(): KeystrokeError {
  return new KeystrokeError("not_found", "No hook with this token", {
    hint: "Check the resume URL; a hook's URL is shown on its waiting run (`keystroke history get <run-id>`)",
  });
}

function checkBody(schema: unknown, body: unknown): unknown {
  if (schema === null || schema === undefined) return body;
  let parsed: ReturnType<z.ZodType["safeParse"]>;
  try {
    parsed = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(body);
  } catch {
    return body;
  }
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message }));
  const first = problems[0];
  throw new KeystrokeError("invalid_input", `Invalid ${first?.path ?? "(body)"}: ${first?.message ?? "invalid"}`, {
    hint: "Send the body the hook's schema describes; the run keeps waiting",
    details: { problems },
  });
}

/** Registers `POST` and `GET /api/hooks/:token`. */
export function hookRoutes(app: FastifyInstance, { store, workflows }: ServerContext): void {
  const resume = async (token: string, body: unknown): Promise<HookReply> => {
    if (!tokenPattern.test(token)) throw unknownHook();
    const scheduler = workflows.scheduler;
    const tokenHash = hashHookToken(token);
    const hook = await scheduler.findHook(tokenHash);
    if (!hook) throw unknownHook();
    if (hook.usedAt !== null && hook.outcome !== "timeout") {
      throw new KeystrokeError("conflict", "This hook was already used", {
        hint: "A hook resumes its run once",
        details: { runId: hook.runId },
      });
    }
    // Expired: its timeout passed, whether or not the run was told already (outcome "timeout").
    if (hook.outcome === "timeout" || (hook.expiresAt !== null && hook.expiresAt <= Date.now())) {
      throw new KeystrokeError(
        "gone",
        `This hook expired at ${new Date(hook.expiresAt ?? hook.usedAt ?? Date.now()).toISOString()}`,
        {
          details: { runId: hook.runId },
        },
      );
    }
    const payload = checkBody(hook.schema, body);
    const run = await store.getRun(hook.runId);
    if (!run || run.run.status === "success" || run.run.status === "failed" || run.run.status === "canceled") {
      throw new KeystrokeError("conflict", `Run ${hook.runId} already finished`, { details: { runId: hook.runId } });
    }
    const taken = await scheduler.takeHook(tokenHash, payload ?? null, Date.now());
    if (taken.status === "expired")
      throw new KeystrokeError("gone", "This hook expired", { details: { runId: hook.runId } });
    if (taken.status !== "taken") {
      throw new KeystrokeError("conflict", "This hook was already used", { details: { runId: hook.runId } });
    }
    await workflows.runtime.completeHook(hook.runId, hook.stepId, payload ?? null);
    return { ok: true, runId: hook.runId };
  };
  app.post<{ Params: { token: string } }>("/api/hooks/:token", (request) =>
    resume(request.params.token, request.body ?? null),
  );
  app.get<{ Params: { token: string } }>("/api/hooks/:token", (request) => resume(request.params.token, null));
}
