import { z } from "zod";
import { isoTime } from "./time.js";

/** Token usage of one model call; absent counts are zero. */
export const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative().default(0),
  outputTokens: z.number().int().nonnegative().default(0),
  cacheReadTokens: z.number().int().nonnegative().default(0),
  cacheWriteTokens: z.number().int().nonnegative().default(0),
  reasoningTokens: z.number().int().nonnegative().default(0),
});
export type Usage = z.infer<typeof usageSchema>;

export const attributesSchema = z.record(z.string(), z.unknown());

/** An OpenTelemetry-shaped span. Ids are hex as in OTLP/JSON. */
export const spanSchema = z.object({
  traceId: z.string().regex(/^[0-9a-f]{32}$/, "a 32-character lowercase hex trace id"),
  spanId: z.string().regex(/^[0-9a-f]{16}$/, "a 16-character lowercase hex span id"),
  parentSpanId: z
    .string()
    .regex(/^[0-9a-f]{16}$/, "a 16-character lowercase hex span id")
    .optional(),
  name: z.string().min(1).max(1000),
  kind: z.enum(["internal", "server", "client", "producer", "consumer"]).default("internal"),
  startTime: isoTime,
  endTime: isoTime.optional(),
  status: z
    .object({ code: z.enum(["unset", "ok", "error"]), message: z.string().optional() })
    .default({ code: "unset" }),
  attributes: attributesSchema.default({}),
  events: z
    .array(z.object({ name: z.string(), time: isoTime, attributes: attributesSchema.default({}) }))
    .max(10_000)
    .default([]),
});
export type Span = z.infer<typeof spanSchema>;

export const logLevels = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
export type LogLevel = (typeof logLevels)[number];

export const logSchema = z.object({
  time: isoTime,
  level: z.enum(logLevels),
  message: z.string().max(1_000_000),
  attributes: attributesSchema.default({}),
  /** The trace the record came in, when it names one (an OpenTelemetry log record). */
  traceId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  spanId: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .optional(),
  /**
   * The record's body as it came, when `message` does not hold it whole (an OpenTelemetry GenAI
   * event's structured, empty or over-long body).
   */
  body: z.unknown().optional(),
});
export type Log = z.infer<typeof logSchema>;
