/**
 * Run events as a recorder in another process sends them over HTTP, for the server's tests.
 */
import type { RunEventInput } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";

export interface RunSpec {
  runId?: string;
  kind?: "agent" | "workflow";
  slug?: string;
  project?: string;
  sessionId?: string;
  source?: "api" | "cli" | "gateway" | "trigger" | "workflow" | "agent";
  /** Trigger time, epoch ms. */
  at?: number;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** `run.created` for a new run, with its run id. */
export function runCreated(spec: RunSpec = {}): { runId: string; event: RunEventInput } {
  const at = spec.at ?? Date.now();
  const runId = spec.runId ?? newRunId(at);
  const event: RunEventInput = {
    eventId: newEventId(),
    type: "run.created",
    time: iso(at),
    kind: spec.kind ?? "agent",
    slug: spec.slug ?? "support",
    name: "Support agent",
    project: spec.project ?? "acme",
    sessionId: spec.sessionId,
    source: spec.source ?? "cli",
    trigger: { label: "CLI prompt", value: { command: "keystroke agents prompt support" } },
    actor: { type: "user", id: "user_ada", name: "Ada" },
    status: "running",
  };
  return { runId, event };
}

/** A text message; user and assistant alternate with `index`. */
export function messageAdded(index: number, text: string, at = Date.now()): RunEventInput {
  return {
    eventId: newEventId(),
    type: "message.added",
    time: iso(at),
    message: { id: `msg_${index}`, role: index % 2 === 0 ? "user" : "assistant", parts: [{ type: "text", text }] },
  };
}

/** A finished trace span. */
export function spanRecorded(name: string, at = Date.now()): RunEventInput {
  const hex = (length: number) => Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  return {
    eventId: newEventId(),
    type: "span.recorded",
    time: iso(at),
    span: { traceId: hex(32), spanId: hex(16), name, startTime: iso(at - 5), endTime: iso(at) },
  };
}

export function runFinished(status: "success" | "failed" | "canceled", at = Date.now()): RunEventInput {
  return {
    eventId: newEventId(),
    type: "run.finished",
    time: iso(at),
    status,
    error: status === "failed" ? { name: "ToolError", message: "Order lookup failed" } : undefined,
  };
}

/** `count` small events that each fold into the run: service uses. */
export function serviceEvents(count: number, at = Date.now()): RunEventInput[] {
  return Array.from({ length: count }, (_, i) => ({
    eventId: newEventId(),
    type: "service.used" as const,
    time: iso(at + i),
    service: `service-${i % 7}`,
  }));
}
