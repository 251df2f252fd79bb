/**
 * The answers of the API's own routes: health, ingest, cancel, a hook's resume, and the body
 * every error is sent as.
 */
import { z } from "zod";
import { runStatuses } from "../catalog/statuses.js";
import type { ErrorBody, ErrorCode } from "../errors/keystroke-error.js";

/** `GET /api/health`: the server is up and its store answers. */
export const healthReplySchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  store: z.literal("ok"),
  uptimeMs: z.number(),
});
export type HealthReply = z.infer<typeof healthReplySchema>;

/** `POST /api/ingest`: how the batch was taken, after commit. */
export const ingestReplySchema = z.object({
  runId: z.string(),
  accepted: z.number().int().describe("Events newly stored"),
  duplicates: z.number().int().describe("Events skipped because their eventId was already stored (a retried batch)"),
  lastSeq: z.number().int().describe("Sequence number of the run's last event after this batch"),
});
export type IngestReply = z.infer<typeof ingestReplySchema>;

/** `POST /api/runs/:runId/cancel`: the run's status after the cancel. */
export const cancelReplySchema = z.object({ runId: z.string(), status: z.enum(runStatuses) });
export type CancelReply = z.infer<typeof cancelReplySchema>;

/** `POST /api/hooks/:token`: the waiting workflow run was resumed. */
export const hookReplySchema = z.object({ ok: z.literal(true), runId: z.string() });
export type HookReply = z.infer<typeof hookReplySchema>;

const errorCodes: Record<ErrorCode, true> = {
  invalid_input: true,
  unauthorized: true,
  forbidden: true,
  not_found: true,
  conflict: true,
  gone: true,
  payload_too_large: true,
  unsupported_media_type: true,
  rate_limited: true,
  unavailable: true,
  unreachable: true,
  internal: true,
};

/** The body every API error is sent as. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(errorCodes) as ErrorCode[]),
    message: z.string(),
    hint: z.string().optional(),
    details: z.unknown().optional(),
  }),
}) satisfies z.ZodType<ErrorBody>;
