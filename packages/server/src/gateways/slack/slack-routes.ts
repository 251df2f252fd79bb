/**
 * `POST /api/gateways/slack/events`: the Request URL of the Slack app's Event Subscriptions.
 * Every request must carry a valid Slack signature over its exact bytes, so the route lives in
 * its own Fastify scope whose body parser keeps the raw body (bounded: Slack's events are small);
 * the rest of the API parses JSON as before. A good request is acknowledged at once (Slack wants
 * an answer within 3 seconds and retries otherwise); the agent answers afterwards, in the thread.
 * On a server hosting several projects, each with its Slack app, the project whose gateway's
 * signing secret verifies the request answers it; a request several projects' secrets verify is
 * refused (409) rather than given to one of them.
 */
import { isAscii } from "node:buffer";
import { KeystrokeError, MAX_NESTING_DEPTH } from "@keystroke/core";
import type { FastifyInstance } from "fastify";
import { parseJsonBody } from "../../errors/json-body-parser.js";
import { toApiError } from "../../errors/to-api-error.js";
import type { ServerContext } from "../../server-context.js";
import { SlackConversations } from "./slack-conversations.js";
import type { SlackEnvelope } from "./slack-message.js";
import { verifySlackSignature } from "./slack-signature.js";

/** The largest Slack delivery accepted: 1 MiB (events are a few KiB). */
export const SLACK_MAX_BODY_BYTES = 1024 * 1024;

export const SLACK_EVENTS_PATH = "/api/gateways/slack/events";

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * Registers the Slack events endpoint on `app`.
 *
 * @example
 * slackRoutes(app, context); // POST /api/gateways/slack/events
 */
export function slackRoutes(app: FastifyInstance, { agents, store }: ServerContext): void {
  const conversations = new SlackConversations({ agents, store }, (message) => app.log.warn(message));
  app.addHook("onClose", () => conversations.settled());

  app.register(async (slack) => {
    slack.removeAllContentTypeParsers();
    slack.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: SLACK_MAX_BODY_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    slack.setErrorHandler((thrown, request, reply) => {
      const error = toApiError(thrown, {
        bodyLimitBytes: SLACK_MAX_BODY_BYTES,
        contentType: request.headers["content-type"],
      });
      if (error.code === "internal") request.log.error({ err: thrown }, "Slack events request failed");
      return reply.status(error.httpStatus).send(error.toBody());
    });

    slack.post(SLACK_EVENTS_PATH, async (request) => {
      // The hosted project whose gateway's signing secret signed the request (one Slack app per project).
      const gateways = agents.projects().flatMap((project) => {
        const gateway = agents.project(project)?.gateways.slack;
        return gateway ? [{ project, gateway }] : [];
      });
      if (gateways.length === 0) {
        throw new KeystrokeError("not_found", "This project has no Slack gateway", {
          hint: "Add gateways: { slack: { agent } } to keystroke.config.ts",
        });
      }
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signed = {
        timestamp: header(request.headers["x-slack-request-timestamp"]),
        signature: header(request.headers["x-slack-signature"]),
        body,
      };
      let refused: string | undefined;
      const verified = gateways.filter(({ gateway }) => {
        const why = verifySlackSignature(gateway.signingSecret, signed);
        refused ??= why;
        return why === undefined;
      });
      const found = verified[0];
      if (!found) {
        request.log.info(`Slack events: refused a request: ${refused}`);
        throw new KeystrokeError("unauthorized", `Not a request signed by Slack: ${refused}`, {
          hint: "Check that gateways.slack.signingSecret (or SLACK_SIGNING_SECRET) is the app's signing secret",
        });
      }
      if (verified.length > 1) {
        // One Slack app answered by several projects (say, all relying on SLACK_SIGNING_SECRET): none is guessed.
        const projects = verified.map((v) => v.project);
        request.log.warn(`Slack events: ${projects.join(", ")} share one signing secret; the delivery was refused`);
        throw new KeystrokeError("conflict", `Projects ${projects.join(", ")} use the same Slack signing secret`, {
          hint: "Give each project's gateway the signing secret of its own Slack app (gateways.slack.signingSecret)",
          details: { projects },
        });
      }
      const { project, gateway } = found;
      const envelope = parseJsonBody(
        isAscii(body) ? body.toString("latin1") : body.toString("utf8"),
        MAX_NESTING_DEPTH,
      );
      if (typeof envelope !== "object" || envelope === null || Array.isArray(envelope)) {
        throw new KeystrokeError("invalid_input", "A Slack delivery is a JSON object");
      }
      const delivery = envelope as SlackEnvelope;
      if (delivery.type === "url_verification") return { challenge: delivery.challenge };
      if (delivery.type === "event_callback" && conversations.firstDelivery(delivery.event_id)) {
        // After the acknowledgement: the reply is sent before the next turn of the event loop.
        setImmediate(() => conversations.start(gateway, delivery, project));
      }
      return { ok: true };
    });
  });
}
