/**
 * `POST /api/triggers/<endpoint>`: a webhook source's endpoint (`/orders` ↔ `/api/triggers/orders`);
 * a project deployed to a team server has its endpoints under its name
 * (`/api/triggers/<organization>/<project>/orders`).
 * It carries its own credential (the signature when the source has a secret), so it is exempt
 * from the server's same-origin check; a source without a secret has none, and refuses what a
 * browser sent from another site (403) itself. The route lives in its own Fastify scope whose
 * parser keeps the raw bytes the signature covers, capped (1 MiB by default).
 *
 * Answers: 202 `{ runId, runIds }` — `runId` the first run started, `runIds` every run (one per
 * attachment whose run started; a failed start is listed in `failed`); 200 `{ ok: true, skipped:
 * true }` when the filter drops the event or every attachment is disabled; 400 naming the field
 * for a body that fails `request`; 401 for a missing, bad, stale or replayed signature, with
 * nothing recorded; 404 for an unknown endpoint; 413 over the cap.
 */
import { isAscii } from "node:buffer";
import { KeystrokeError, MAX_NESTING_DEPTH } from "@keystroke/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { parseJsonBody } from "../errors/json-body-parser.js";
import { toApiError } from "../errors/to-api-error.js";
import { crossSiteRefusal } from "../request-guards/same-origin-check.js";
import type { ProjectTriggers } from "./project-triggers.js";
import type { TriggerService } from "./trigger-service.js";
import { SIGNATURE_HEADER, SIGNATURE_TOLERANCE_MS, verifyWebhookSignature } from "./webhook-signature.js";
import { webhookValue } from "./webhook-value.js";

/** The default cap on a webhook body: 1 MiB. */
export const WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * @example
 * webhookRoutes(app, triggers, deployedTriggers, { bodyLimitBytes: 256 * 1024 });
 */
export function webhookRoutes(
  app: FastifyInstance,
  folderTriggers: TriggerService,
  deployed: ProjectTriggers,
  options: { bodyLimitBytes?: number } = {},
): void {
  const limit = options.bodyLimitBytes ?? WEBHOOK_MAX_BODY_BYTES;
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: limit }, (_request, body, done) =>
      done(null, body),
    );
    scope.setErrorHandler((thrown, request, reply) => {
      const error = toApiError(thrown, { bodyLimitBytes: limit, contentType: request.headers["content-type"] });
      if (error.code === "internal") request.log.error({ err: thrown }, "webhook trigger failed");
      const body = error.toBody();
      // Over the body cap (a body of too many arrays and objects says so itself).
      if (
        error.code === "payload_too_large" &&
        (error.details as { maxContainers?: number })?.maxContainers === undefined
      )
        body.error.hint = "Send a smaller body; the webhook body cap is configurable";
      return reply.status(error.httpStatus).send(body);
    });

    // `:endpoint` serves one-segment endpoints (`/orders`), the wildcard deeper ones (`/shop/orders`).
    const receive = async (
      request: FastifyRequest<{ Params: { endpoint?: string; "*"?: string } }>,
      reply: FastifyReply,
    ) => {
      const path = `/${request.params.endpoint ?? request.params["*"] ?? ""}`.replace(/\/+$/, "");
      // A deployed project's endpoint is under its name; without it, the folder project's, or the
      // one deployed project that has it (the URL it had when it was the only one).
      const { triggers, endpoint } = deployed.forWebhook(path) ?? {
        triggers: folderTriggers.current.byEndpoint.has(path)
          ? folderTriggers
          : (deployed.soleWithEndpoint(path) ?? folderTriggers),
        endpoint: path,
      };
      const source = triggers.current.byEndpoint.get(endpoint);
      if (source?.kind !== "webhook") {
        const known = [...triggers.current.byEndpoint.keys()].sort();
        throw new KeystrokeError("not_found", `No webhook trigger at ${endpoint}`, {
          hint: known.length ? `Webhook endpoints: ${known.join(", ")}` : "This project has no webhook source",
          details: { endpoint, known },
        });
      }
      // Without a secret nothing but the same-origin check tells a page of another site from a
      // caller this source expects: that page could start runs from the user's browser.
      if (!source.secret) {
        const refused = crossSiteRefusal(request);
        if (refused) throw refused;
      }
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (source.secret) {
        const now = Date.now();
        const check = verifyWebhookSignature(source.secret, header(request.headers[SIGNATURE_HEADER]), raw, now);
        const refused =
          "refused" in check
            ? check.refused
            : (await triggers.state.claimSignature(
                  `${source.slug}:${check.accepted}`,
                  check.at + SIGNATURE_TOLERANCE_MS + 60_000,
                  now,
                ))
              ? undefined
              : "this signature was already used (a replayed request)";
        if (refused) {
          throw new KeystrokeError("unauthorized", `Webhook signature refused: ${refused}`, {
            hint: 'Sign with X-Keystroke-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">',
          });
        }
      }
      const text = isAscii(raw) ? raw.toString("latin1") : raw.toString("utf8");
      const json = text.trim() === "" ? {} : parseJsonBody(text, MAX_NESTING_DEPTH);
      const parsed = source.request.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue?.path.map(String).join(".") || "(body)";
        throw new KeystrokeError("invalid_input", `Invalid body: ${field}: ${issue?.message ?? "invalid"}`, {
          hint: `Send the body trigger "${source.slug}" describes`,
          details: {
            field,
            problems: parsed.error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message })),
          },
        });
      }
      const attachments = await triggers.enabled(triggers.current.bySource.get(source.slug) ?? []);
      if (attachments.length === 0) return { ok: true, skipped: true, reason: "every attachment is disabled" };
      let passes: boolean;
      try {
        passes = source.filter ? Boolean(source.filter(parsed.data)) : true;
      } catch (error) {
        passes = false;
        await triggers.recordNotStarted(
          attachments,
          "filtered",
          `filter threw: ${error instanceof Error ? error.message : String(error)}`,
        );
        return { ok: true, skipped: true };
      }
      if (!passes) {
        await triggers.recordNotStarted(attachments, "filtered", "filter dropped the event");
        return { ok: true, skipped: true };
      }
      const outcomes = await triggers.deliverNow(attachments, parsed.data, webhookValue(parsed.data, request.headers));
      const runIds = outcomes.flatMap((o) => (o.delivery.runId ? [o.delivery.runId] : []));
      const failed = outcomes
        .filter((o) => o.delivery.outcome === "failed")
        .map((o) => ({ trigger: o.id, reason: o.delivery.reason ?? "" }));
      reply.code(202);
      return { ...(runIds[0] ? { runId: runIds[0] } : {}), runIds, ...(failed.length ? { failed } : {}) };
    };
    scope.post("/api/triggers/:endpoint", receive);
    scope.post("/api/triggers/*", receive);
  });
}
