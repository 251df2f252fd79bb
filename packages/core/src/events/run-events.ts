/**
 * Run events: the append-only stream every run becomes. Producers (the sdk recorder, the
 * ingest API, the OTLP receiver) emit them; the store folds them into the History row, the
 * conversation and the trace. Each event carries a producer-chosen `eventId` so a retried
 * batch is recognised and dropped.
 */
import { z } from "zod";
import { runStatuses } from "../catalog/statuses.js";
import { KeystrokeError } from "../errors/keystroke-error.js";
import { errorPayloadSchema, messagePartSchema, messageSchema } from "./parts.js";
import { logSchema, spanSchema, usageSchema } from "./telemetry.js";
import { isoTime } from "./time.js";

export const runKinds = ["agent", "workflow"] as const;
export type RunKind = (typeof runKinds)[number];

export const runSources = ["api", "cli", "gateway", "trigger", "workflow", "agent"] as const;
export type RunSource = (typeof runSources)[number];

export const actorTypes = ["user", "api_key", "trigger", "gateway_user", "workflow", "agent", "system"] as const;

export const actorSchema = z.object({
  type: z.enum(actorTypes),
  id: z.string().min(1).max(500),
  name: z.string().max(500).optional(),
});
export type Actor = z.infer<typeof actorSchema>;

export const slugSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "a slug: lowercase letters, digits, '.', '_' or '-'");

/**
 * A run's project: a slug, or `<organization>/<project>` on a team server, where projects belong
 * to organizations (docs/auth.md).
 */
export const projectSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)?$/,
    "a project slug (lowercase letters, digits, '.', '_' or '-'), or organization/project",
  );

export const runIdSchema = z
  .string()
  .regex(/^run_[0-9A-HJKMNP-TV-Z]{26}$/, "a run id: run_ followed by a 26-character ULID");

const eventBase = {
  eventId: z.string().min(1).max(200),
  time: isoTime,
  /** Optional on the wire; when present it must name the batch's run. */
  runId: runIdSchema.optional(),
};

const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ ...eventBase, type: z.literal(type), ...shape });

export const runCreatedEvent = event("run.created", {
  kind: z.enum(runKinds),
  slug: slugSchema,
  name: z.string().min(1).max(500),
  project: projectSchema,
  sessionId: z.string().min(1).max(500).optional(),
  source: z.enum(runSources),
  trigger: z.object({ label: z.string().min(1).max(500), value: z.unknown().optional() }),
  actor: actorSchema,
  parent: z
    .object({
      runId: z.string().min(1).max(200),
      toolCallId: z.string().max(500).optional(),
      stepId: z.string().max(500).optional(),
    })
    .optional(),
  status: z.enum(["queued", "running"]).default("queued"),
  input: z.unknown().optional(),
});

/**
 * Which turn of a session a `run.started` opens and a `run.finished` closes, when the producer
 * knows: the OTLP receiver gives the trace id, and a trace's several roots each close the same
 * turn. The fold tells a turn's second end from a late turn's by it (reduce.ts, LateTurns).
 */
const turnField = { turn: z.string().min(1).max(200).optional() };

export const runStartedEvent = event("run.started", turnField);

/** What a sleeping or waiting workflow run waits for: a time, or a hook's resume (with its deadline). */
export const runWaitSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("sleep"), stepId: z.string().min(1).max(500), until: isoTime }),
  z.object({
    kind: z.literal("hook"),
    stepId: z.string().min(1).max(500),
    expiresAt: isoTime.nullable().default(null),
  }),
]);
export type RunWait = z.output<typeof runWaitSchema>;

export const runStatusChangedEvent = event("run.status_changed", {
  status: z.enum(runStatuses),
  reason: z.string().max(10_000).optional(),
  /** Set with `sleeping` and `waiting_on_hook`: what the run waits for. */
  wait: runWaitSchema.optional(),
});

export const runFinishedEvent = event("run.finished", {
  ...turnField,
  status: z.enum(["success", "failed", "canceled"]),
  output: z.unknown().optional(),
  error: errorPayloadSchema.optional(),
});

/** A child run (subagent or workflow-step agent) started from this run. */
export const runChildAddedEvent = event("run.child_added", {
  childRunId: z.string().min(1).max(200),
  toolCallId: z.string().max(500).optional(),
  stepId: z.string().max(500).optional(),
});

/** The run's name (and agent slug) as it became known later: an agent's name that came after the service's. */
export const runRenamedEvent = event("run.renamed", { slug: slugSchema, name: z.string().min(1).max(500) });

/**
 * Another run of the same project was this run all along (a trace filed under its own run until
 * its conversation id arrived): the store moves that run's events here, in order, and removes it.
 */
export const runAbsorbedEvent = event("run.absorbed", { fromRunId: runIdSchema });

export const messageAddedEvent = event("message.added", { message: messageSchema });

/** A part streamed onto a message already added (a tool result, more text). */
export const messagePartAddedEvent = event("message.part_added", {
  messageId: z.string().min(1).max(200),
  part: messagePartSchema,
});

/** One LLM request: `model.called`, or the `model` of the span that recorded it. */
const modelCallShape = {
  callId: z.string().min(1).max(200),
  provider: z.string().min(1).max(200),
  model: z.string().min(1).max(500),
  usage: usageSchema.default({
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  }),
  /** USD; absent when the price of the model is unknown. */
  cost: z.number().nonnegative().optional(),
  latencyMs: z.number().nonnegative().optional(),
  requestId: z.string().max(500).optional(),
  spanId: z.string().max(16).optional(),
  error: errorPayloadSchema.optional(),
};
export const modelCallSchema = z.object(modelCallShape);
export type ModelCall = z.output<typeof modelCallSchema>;

export const modelCalledEvent = event("model.called", modelCallShape);

export const serviceUsedEvent = event("service.used", { service: z.string().min(1).max(200) });

/**
 * A span of the run's trace. A span that is a model call carries it as `model`, folded into the
 * run as a `model.called` would be: one event, and one stored body, per span.
 */
export const spanRecordedEvent = event("span.recorded", { span: spanSchema, model: modelCallSchema.optional() });
export const logRecordedEvent = event("log.recorded", { log: logSchema });

/** What a workflow step does: an action, an agent prompt, one model call, a child workflow, a sleep, a hook, or any named function. */
export const stepKinds = ["step", "action", "agent", "llm", "workflow", "sleep", "hook"] as const;
export type StepKind = (typeof stepKinds)[number];

const attemptSchema = z.number().int().min(1).max(1_000_000).default(1);

/** A step began (again, with a higher `attempt`, after a failure or a restart). */
export const stepStartedEvent = event("step.started", {
  stepId: z.string().min(1).max(500),
  name: z.string().min(1).max(500),
  kind: z.enum(stepKinds).default("step"),
  attempt: attemptSchema,
  input: z.unknown().optional(),
  /** The agent or workflow run the step started. */
  childRunId: z.string().min(1).max(200).optional(),
});

export const stepFinishedEvent = event("step.finished", {
  stepId: z.string().min(1).max(500),
  status: z.enum(["success", "failed", "canceled"]),
  attempt: attemptSchema,
  output: z.unknown().optional(),
  error: errorPayloadSchema.optional(),
});

/** A value a workflow's code read once and must read the same on replay (`ctx.now()`, `ctx.random()`). */
export const valueRecordedEvent = event("value.recorded", {
  key: z.string().min(1).max(500),
  value: z.unknown(),
});

export const runEventSchema = z.discriminatedUnion("type", [
  runCreatedEvent,
  runStartedEvent,
  runStatusChangedEvent,
  runFinishedEvent,
  runChildAddedEvent,
  runRenamedEvent,
  runAbsorbedEvent,
  messageAddedEvent,
  messagePartAddedEvent,
  modelCalledEvent,
  serviceUsedEvent,
  spanRecordedEvent,
  logRecordedEvent,
  stepStartedEvent,
  stepFinishedEvent,
  valueRecordedEvent,
]);

/** An event as a producer sends it. */
export type RunEventInput = z.input<typeof runEventSchema>;
/** An event after validation (defaults applied). */
export type RunEvent = z.output<typeof runEventSchema>;
export type RunEventType = RunEvent["type"];
export const runEventTypes = runEventSchema.options.map((o) => o.shape.type.value) as RunEventType[];

/** An event as stored: with the run it belongs to and its per-run sequence number. */
export type StoredEvent = RunEvent & { runId: string; seq: number };

/** One batch of events for one run: the unit of `POST /api/ingest` and `RunStore.append`. */
export const ingestBatchSchema = z.object({
  runId: runIdSchema.optional(),
  events: z.array(runEventSchema).min(1, "at least one event").max(10_000, "at most 10,000 events per batch"),
});
export type IngestBatchInput = z.input<typeof ingestBatchSchema>;
/** A validated batch: every event belongs to `runId`. */
export interface IngestBatch {
  runId: string;
  events: RunEvent[];
  /**
   * Each event as the store keeps it, when the producer has serialized it already: the JSON of
   * the event without `runId` (the OTLP receiver's mapping thread sends events this way, so the
   * writing thread parses them instead of copying objects across threads and serializing again).
   * A batch given with its bodies also hands its events over: the store makes them its stored
   * events in place (`asStored`).
   */
  bodies?: readonly string[];
}

/**
 * `event` as stored at `seq` of `runId`. The events of a batch given with its bodies are handed
 * over (IngestBatch.bodies) and become the stored events in place, where copying each object cost
 * the OTLP receiver's writing thread about a twentieth of its time; any other event is copied, as
 * its producer may keep it.
 */
export function asStored(event: RunEvent, runId: string, seq: number, handedOver: boolean): StoredEvent {
  const stored = (handedOver ? event : { ...event }) as StoredEvent;
  stored.runId = runId;
  stored.seq = seq;
  return stored;
}

/** The bodies a producer gave with `batch` (IngestBatch.bodies), checked to be one per event. */
export function givenBodies(batch: IngestBatch): readonly string[] | undefined {
  if (batch.bodies === undefined || batch.bodies.length === batch.events.length) return batch.bodies;
  throw new KeystrokeError(
    "internal",
    `Batch for ${batch.runId} has ${batch.bodies.length} bodies for ${batch.events.length} events`,
  );
}

/** An event's JSON as the store keeps it: without `runId`, which its row says. */
export function storedBody(event: RunEvent): string {
  return JSON.stringify(event.runId === undefined ? event : { ...event, runId: undefined });
}
