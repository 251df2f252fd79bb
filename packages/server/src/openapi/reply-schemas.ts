/**
 * Zod schemas of what the API answers, for the OpenAPI document only. Core describes these
 * shapes as TypeScript interfaces (they are folded by the reducer, never parsed), so each schema
 * here is checked against its interface with `satisfies`: a field added to RunSummary that is
 * missing here fails the build.
 */
import {
  actorSchema,
  type ErrorCode,
  errorPayloadSchema,
  logSchema,
  messageSchema,
  type RunDetail,
  type RunSummary,
  runEventSchema,
  runKinds,
  runSources,
  runStatuses,
  spanSchema,
} from "@keystroke/core";
import type { StoredLog, StoredMessage, StoredStep } from "@keystroke/store";
import { z } from "zod";
import type { IngestReply } from "../ingest/ingest.js";

const isoTime = z.string().describe("ISO 8601 time");
const nullableTime = isoTime.nullable();

export const runSummarySchema = z.object({
  runId: z.string(),
  kind: z.enum(runKinds),
  slug: z.string(),
  name: z.string(),
  status: z.enum(runStatuses),
  project: z.string(),
  sessionId: z.string().nullable(),
  source: z.enum(runSources),
  trigger: z.string().describe("The readable trigger label"),
  triggerValue: z.unknown().describe("The raw trigger value"),
  actor: actorSchema,
  parentRunId: z.string().nullable(),
  parentToolCallId: z.string().nullable(),
  parentStepId: z.string().nullable(),
  triggeredAt: isoTime,
  queuedAt: nullableTime,
  startedAt: nullableTime,
  finishedAt: nullableTime,
  durationMs: z.number().nullable(),
  models: z.array(z.string()),
  services: z.array(z.string()),
  tokens: z.object({
    input: z.number(),
    output: z.number(),
    cacheRead: z.number(),
    cacheWrite: z.number(),
    reasoning: z.number(),
  }),
  totalCost: z.number().describe("USD"),
  messageCount: z.number(),
  stepCount: z.number(),
  errorSummary: z.string().nullable(),
  lastSeq: z.number(),
  updatedAt: isoTime,
}) satisfies z.ZodType<RunSummary>;

export const runDetailSchema = runSummarySchema.extend({
  input: z.unknown(),
  output: z.unknown(),
  error: errorPayloadSchema.nullable(),
  childRunIds: z.array(z.string()),
}) satisfies z.ZodType<RunDetail>;

export const storedEventSchema = z.intersection(
  runEventSchema,
  z.object({ runId: z.string(), seq: z.number().int().describe("Per-run sequence number, from 1") }),
);

export const storedMessageSchema = messageSchema.extend({
  runId: z.string(),
  index: z.number().int(),
  time: isoTime,
}) satisfies z.ZodType<StoredMessage>;

export const storedLogSchema = logSchema.extend({
  runId: z.string(),
  index: z.number().int(),
}) satisfies z.ZodType<StoredLog>;

export const storedStepSchema = z.object({
  runId: z.string(),
  stepId: z.string(),
  name: z.string(),
  status: z.enum(["running", "success", "failed", "canceled"]),
  startedAt: isoTime,
  finishedAt: nullableTime,
  input: z.unknown(),
  output: z.unknown(),
  error: errorPayloadSchema.nullable(),
}) satisfies z.ZodType<StoredStep>;

const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable().describe("null on the last page") });

export const runPageSchema = z.object({ runs: z.array(runSummarySchema), nextCursor: z.string().nullable() });
export const sessionPageSchema = z.object({ sessions: z.array(runSummarySchema), nextCursor: z.string().nullable() });

export const runViewReplySchema = z.object({
  run: runDetailSchema,
  messages: pageOf(storedMessageSchema).optional(),
  trace: z.object({ spans: pageOf(spanSchema), logs: pageOf(storedLogSchema) }).optional(),
  steps: pageOf(storedStepSchema).optional(),
});

export const ingestReplySchema = z.object({
  runId: z.string(),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  lastSeq: z.number().int(),
}) satisfies z.ZodType<IngestReply>;

export const healthReplySchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  store: z.literal("ok"),
  uptimeMs: z.number(),
});

const errorCodes: Record<ErrorCode, true> = {
  invalid_input: true,
  unauthorized: true,
  forbidden: true,
  not_found: true,
  conflict: true,
  payload_too_large: true,
  unsupported_media_type: true,
  rate_limited: true,
  unavailable: true,
  unreachable: true,
  internal: true,
};

export const agentListSchema = z.object({
  project: z.string().nullable(),
  agents: z.array(
    z.object({
      slug: z.string(),
      name: z.string(),
      description: z.string(),
      model: z.string(),
      thinkingLevel: z.enum(["off", "low", "medium", "high"]),
      maxSteps: z.number().int(),
      tools: z.array(z.object({ slug: z.string(), name: z.string(), kind: z.enum(["action", "agent"]) })),
    }),
  ),
});

export const promptReplySchema = z.object({
  sessionId: z.string(),
  runId: z.string(),
  status: z.enum(["success", "failed", "canceled"]),
  messages: z.array(messageSchema),
  error: errorPayloadSchema.optional(),
});

export const cancelReplySchema = z.object({ runId: z.string(), status: z.enum(runStatuses) });

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(errorCodes) as ErrorCode[]),
    message: z.string(),
    hint: z.string().optional(),
    details: z.unknown().optional(),
  }),
});
