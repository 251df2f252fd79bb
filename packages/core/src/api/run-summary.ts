/**
 * The History row and the detail of a run as the API answers them. The schemas are the one
 * source of these shapes: the reducer folds into the inferred types, the OpenAPI document is
 * generated from the schemas, and the client and the web read the same types.
 */
import { z } from "zod";
import { runStatuses } from "../catalog/statuses.js";
import { errorPayloadSchema } from "../events/parts.js";
import { actorSchema, runKinds, runSources } from "../events/run-events.js";

const isoTime = z.string().describe("ISO 8601 time");
const nullableTime = isoTime.nullable();

/** Tokens summed over every model call of a run. */
export const tokenTotalsSchema = z.object({
  input: z.number(),
  output: z.number(),
  cacheRead: z.number(),
  cacheWrite: z.number(),
  reasoning: z.number(),
});
export type TokenTotals = z.infer<typeof tokenTotalsSchema>;

/**
 * The History row of a run, folded from its events at append time. Times are ISO strings;
 * `durationMs` is set once the run has started and finished.
 */
export const runSummarySchema = z.object({
  runId: z.string(),
  kind: z.enum(runKinds),
  slug: z.string(),
  name: z.string(),
  status: z.enum(runStatuses),
  project: z.string(),
  sessionId: z.string().nullable(),
  source: z.enum(runSources),
  trigger: z.string().describe('The readable trigger label, e.g. "CLI prompt" or "Slack thread"'),
  triggerValue: z.unknown().describe("The raw trigger value: the command, the webhook payload, the cron expression…"),
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
  tokens: tokenTotalsSchema,
  totalCost: z.number().describe("USD"),
  messageCount: z.number(),
  stepCount: z.number(),
  errorSummary: z.string().nullable().describe("First line of the error of a failed run, for the table"),
  lastSeq: z.number().describe("Sequence number of the last event folded in"),
  updatedAt: isoTime,
});
export type RunSummary = z.infer<typeof runSummarySchema>;

/**
 * What a sleeping or waiting workflow run waits for. A hook's `resumeUrl` (its token is the
 * credential) is added by the server that can sign it, never stored.
 */
export const runDetailWaitSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("sleep"), stepId: z.string(), until: isoTime }),
  z.object({
    kind: z.literal("hook"),
    stepId: z.string(),
    expiresAt: nullableTime,
    resumeUrl: z.string().optional().describe("POST a JSON body here (or GET it) to resume the run"),
  }),
]);

/** What the detail view adds to the row: payloads and links that are too big for the list. */
export const runDetailSchema = runSummarySchema.extend({
  input: z.unknown(),
  output: z.unknown(),
  error: errorPayloadSchema.nullable(),
  childRunIds: z.array(z.string()),
  wait: runDetailWaitSchema.nullable().describe("What a sleeping or waiting workflow run waits for"),
});
export type RunDetail = z.infer<typeof runDetailSchema>;
