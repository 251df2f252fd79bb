import type { z } from "zod";
import { checkSource, invalidTrigger } from "./check-source.js";
import { attacher, triggerSourceBrand, type WebhookSource } from "./trigger-source.js";

export interface WebhookSourceDefinition<R extends z.ZodType> {
  slug: string;
  name: string;
  description: string;
  /** The path under `/api/triggers`: `"/orders"` is served at `POST /api/triggers/orders`. */
  endpoint: string;
  /** The JSON body's schema; a body that fails it gets 400 naming the field. */
  request: R;
  /** Return false to drop an event: `{ ok: true, skipped: true }` and no run. */
  filter?: (payload: z.output<R>) => boolean;
  /** When set, requests need `X-Keystroke-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
  secret?: string;
}

const ENDPOINT = /^\/[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

/**
 * Defines a webhook endpoint. Each request is checked, filtered and acknowledged at once (202).
 *
 * @example
 * export const orders = defineWebhookSource({
 *   slug: "orders", name: "Orders", description: "Order events from the shop",
 *   endpoint: "/orders", request: z.object({ orderId: z.string(), type: z.string() }),
 *   filter: (event) => event.type === "refund_requested",
 * }).attach({ workflow: refundReview, transform: (e) => ({ orderId: e.orderId }) });
 */
export function defineWebhookSource<R extends z.ZodType>(
  definition: WebhookSourceDefinition<R>,
): WebhookSource<z.output<R>> {
  checkSource(definition);
  const { slug } = definition;
  if (typeof definition.endpoint !== "string" || !ENDPOINT.test(definition.endpoint)) {
    throw invalidTrigger(
      slug,
      "endpoint",
      `endpoint ${JSON.stringify(definition.endpoint)} is not a path like "/orders"`,
      "Start with /, then lowercase letters, digits, '.', '_' or '-' (segments separated by /)",
    );
  }
  if (typeof (definition.request as { safeParse?: unknown } | undefined)?.safeParse !== "function") {
    throw invalidTrigger(
      slug,
      "request",
      "request must be a zod schema of the body",
      "e.g. z.object({ id: z.string() })",
    );
  }
  if (definition.filter !== undefined && typeof definition.filter !== "function") {
    throw invalidTrigger(slug, "filter", "filter must be a function (payload) => boolean");
  }
  if (definition.secret !== undefined && (typeof definition.secret !== "string" || definition.secret.length < 16)) {
    throw invalidTrigger(
      slug,
      "secret",
      "secret must be a string of at least 16 characters",
      "Read it from process.env",
    );
  }
  const source: WebhookSource<z.output<R>> = {
    [triggerSourceBrand]: true,
    kind: "webhook",
    slug,
    name: definition.name,
    description: definition.description,
    endpoint: definition.endpoint,
    request: definition.request,
    ...(definition.filter ? { filter: definition.filter } : {}),
    ...(definition.secret ? { secret: definition.secret } : {}),
    attach: attacher(() => source),
  };
  return source;
}
