/**
 * The pages the API hands out: History and sessions, and a run's conversation, logs, spans and
 * workflow steps paged in beside it (`GET /api/history/:runId?include=…`).
 */
import { z } from "zod";
import { errorPayloadSchema, messageSchema } from "../events/parts.js";
import { runEventSchema, stepKinds } from "../events/run-events.js";
import { logSchema, spanSchema } from "../events/telemetry.js";
import { runDetailSchema, runSummarySchema } from "./run-summary.js";

const isoTime = z.string().describe("ISO 8601 time");

/**
 * A page of `item`s and the cursor to the next one.
 *
 * @example
 * const spanPage = pageSchema(spanSchema);
 */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe("Pass back to get the next page; null on the last page"),
  });
/** A page of `T`s: `{ items, nextCursor }`. */
export type Page<T> = { items: T[]; nextCursor: string | null };

/** `GET /api/history`: History rows, newest first. */
export const runPageSchema = z.object({ runs: z.array(runSummarySchema), nextCursor: z.string().nullable() });
export type RunPage = z.infer<typeof runPageSchema>;

/** `GET /api/agents/:slug/sessions`: an agent's sessions, newest first. */
export const sessionPageSchema = z.object({ sessions: z.array(runSummarySchema), nextCursor: z.string().nullable() });
export type SessionPage = z.infer<typeof sessionPageSchema>;

/** An event as stored: with the run it belongs to and its per-run sequence number. */
export const storedEventSchema = z.intersection(
  runEventSchema,
  z.object({ runId: z.string(), seq: z.number().int().describe("Per-run sequence number, from 1") }),
);

/** A message as recorded: the order it was added in and when it was said (the conversation reads by that time). */
export const storedMessageSchema = messageSchema.extend({
  runId: z.string(),
  index: z
    .number()
    .int()
    .describe(
      "0-based order in which the run's messages were added; the conversation reads by `time`, then by the order they came",
    ),
  time: isoTime,
});
export type StoredMessage = z.infer<typeof storedMessageSchema>;

/** A log as recorded, with its position among the run's logs. */
export const storedLogSchema = logSchema.extend({
  runId: z.string(),
  index: z.number().int().describe("0-based position among the run's logs"),
});
export type StoredLog = z.infer<typeof storedLogSchema>;

/** One workflow step as recorded: its latest attempt and what it returned or threw. */
export const storedStepSchema = z.object({
  runId: z.string(),
  stepId: z.string(),
  name: z.string(),
  kind: z.enum(stepKinds),
  attempt: z.number().int().describe("1 on the first try; each retry or re-run after a restart adds one"),
  childRunId: z.string().nullable().describe("The agent or workflow run the step started"),
  status: z.enum(["running", "success", "failed", "canceled"]),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  input: z.unknown(),
  output: z.unknown(),
  error: errorPayloadSchema.nullable(),
});
export type StoredStep = z.infer<typeof storedStepSchema>;

/**
 * A run's detail as the API answers it (`GET /api/history/:runId`, a session): the run, then each
 * part asked for with `include` as pages.
 */
export const runViewReplySchema = z.object({
  run: runDetailSchema,
  messages: pageSchema(storedMessageSchema).optional(),
  trace: z.object({ spans: pageSchema(spanSchema), logs: pageSchema(storedLogSchema) }).optional(),
  steps: pageSchema(storedStepSchema).optional(),
});
export type RunViewReply = z.infer<typeof runViewReplySchema>;
