/**
 * Builders of realistic run events for the conformance suite and the benchmarks: a session
 * starts, talks, calls models and tools, and finishes.
 */
import { type IngestBatch, parseIngestBatch, type RunEventInput } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";

export interface RunSpec {
  runId?: string;
  kind?: "agent" | "workflow";
  slug?: string;
  name?: string;
  project?: string;
  sessionId?: string;
  source?: "api" | "cli" | "gateway" | "trigger" | "workflow" | "agent";
  trigger?: string;
  actorId?: string;
  parentRunId?: string;
  /** Trigger time, epoch ms. */
  at?: number;
  status?: "success" | "failed" | "canceled" | "running";
  messages?: string[];
  models?: { provider: string; model: string; cost?: number; input?: number; output?: number }[];
  services?: string[];
  steps?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The events of one run as its producer would send them, in one batch. */
export function runEvents(spec: RunSpec = {}): IngestBatch {
  const runId = spec.runId ?? newRunId(spec.at);
  const at = spec.at ?? Date.now();
  const events: RunEventInput[] = [
    {
      eventId: newEventId(),
      type: "run.created",
      time: iso(at),
      kind: spec.kind ?? "agent",
      slug: spec.slug ?? "support",
      name: spec.name ?? "Support agent",
      project: spec.project ?? "acme",
      sessionId: spec.sessionId,
      source: spec.source ?? "cli",
      trigger: { label: spec.trigger ?? "CLI prompt", value: { command: "keystroke agents prompt" } },
      actor: { type: "user", id: spec.actorId ?? "user_ada", name: "Ada" },
      parent: spec.parentRunId ? { runId: spec.parentRunId, toolCallId: "call_sub" } : undefined,
    },
    { eventId: newEventId(), type: "run.started", time: iso(at + 10) },
  ];
  (spec.messages ?? []).forEach((text, i) => {
    events.push({
      eventId: newEventId(),
      type: "message.added",
      time: iso(at + 20 + i),
      message: { id: `msg_${i}`, role: i % 2 === 0 ? "user" : "assistant", parts: [{ type: "text", text }] },
    });
  });
  (spec.models ?? []).forEach((m, i) => {
    events.push({
      eventId: newEventId(),
      type: "model.called",
      time: iso(at + 30 + i),
      callId: `call_${i}`,
      provider: m.provider,
      model: m.model,
      usage: { inputTokens: m.input ?? 100, outputTokens: m.output ?? 20 },
      cost: m.cost,
      latencyMs: 250,
    });
  });
  for (const service of spec.services ?? []) {
    events.push({ eventId: newEventId(), type: "service.used", time: iso(at + 40), service });
  }
  for (let i = 0; i < (spec.steps ?? 0); i++) {
    events.push({
      eventId: newEventId(),
      type: "step.started",
      time: iso(at + 50 + i),
      stepId: `step_${i}`,
      name: `Step ${i}`,
    });
    events.push({
      eventId: newEventId(),
      type: "step.finished",
      time: iso(at + 51 + i),
      stepId: `step_${i}`,
      status: "success",
      output: { i },
    });
  }
  const status = spec.status ?? "success";
  if (status !== "running") {
    events.push({
      eventId: newEventId(),
      type: "run.finished",
      time: iso(at + 1000),
      status,
      error: status === "failed" ? { name: "ToolError", message: "Order lookup failed\nat lookup()" } : undefined,
    });
  }
  return parseIngestBatch({ runId, events });
}

/** More events for an existing run, validated. */
export function moreEvents(runId: string, events: RunEventInput[]): IngestBatch {
  return parseIngestBatch({ runId, events });
}
