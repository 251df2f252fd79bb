/**
 * A TracingProcessor for the OpenAI Agents SDK, which traces agent runs its own way and has no
 * OTLP exporter. It turns the SDK's traces and spans into OpenTelemetry spans with GenAI
 * attributes — the trace as `invoke_agent`, generations and responses as `chat` with their
 * messages and usage, function calls as `execute_tool` — and sends them as OTLP/JSON to a
 * Keystroke server's `/v1/traces`, where they become agent sessions like native ones.
 *
 * The spans go through the shared OTLP sender (../otlp-sender): bounded, batched, timed out and
 * retried on 429, 502, 503 and 504 after the Retry-After named, or when the server cannot be
 * reached; the server derives every id from the spans, so a retried send adds nothing twice.
 */

import { createHash } from "node:crypto";
import { GenAI, Otel } from "@keystroke/core";
import type { Trace, TracingProcessor } from "@openai/agents-core";
import { OtlpSender } from "../otlp-sender/otlp-sender.js";
import { toGenAiMessages } from "./agent-items.js";
import { exportRequest, type OtlpSpanJson, type Value } from "./otlp-json.js";

export interface KeystrokeProcessorOptions {
  /** The Keystroke server. Default: KEYSTROKE_URL, else http://127.0.0.1:3400. */
  url?: string;
  /** The project the sessions are filed under (the `x-keystroke-project` header). */
  project?: string;
  /** Extra request headers, e.g. an API key. */
  headers?: Record<string, string>;
  /** `service.name` of the spans. Default "openai-agents". */
  serviceName?: string;
  /** Spans wait at most this long before they are sent. Default 1 s. */
  delayMs?: number;
  /** Spans per request. Default 512. */
  maxBatch?: number;
  /** A request not answered within this long is abandoned (and retried). Default 10 s. */
  timeoutMs?: number;
  /** Tries per request, the first included. Default 3. */
  maxAttempts?: number;
  /** Spans queued and in flight at most; past it the oldest queued are dropped. Default 8,192. */
  maxQueued?: number;
  /** Told about a batch that could not be delivered; by default it is written to stderr. */
  onError?: (error: Error) => void;
}

interface TraceState {
  startMs: number;
  /** The SDK's group id: the conversation its traces belong to. */
  conversationId: string | undefined;
  userId: string | undefined;
  agentName?: string;
  /** `function_call` items seen in model output, by tool name and arguments → call id. */
  calls: Map<string, string>;
}

type AnySpan = Parameters<TracingProcessor["onSpanEnd"]>[0];
type Json = Record<string, unknown>;

/** `value.a.b…`, where every step is an object; undefined otherwise. */
function at(value: unknown, ...path: string[]): unknown {
  let node = value;
  for (const key of path) node = typeof node === "object" && node !== null ? (node as Json)[key] : undefined;
  return node;
}

const hex16 = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

function traceHex(traceId: string): string {
  const hex = traceId.replace(/^trace_/, "").toLowerCase();
  return /^[0-9a-f]{32}$/.test(hex) ? hex : createHash("sha256").update(traceId).digest("hex").slice(0, 32);
}

const json = (value: unknown): string | undefined => (value === undefined ? undefined : JSON.stringify(value));
const text = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : typeof value === "string" ? value : JSON.stringify(value);
const count = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;
const millis = (iso: string | null, fallback: number) => (iso ? Date.parse(iso) : fallback);

/**
 * Exports the OpenAI Agents SDK's traces to Keystroke.
 *
 * @example
 * import { addTraceProcessor } from "@openai/agents";
 * import { KeystrokeProcessor } from "keystroke/openai-agents";
 * addTraceProcessor(new KeystrokeProcessor({ project: "support" }));
 */
export class KeystrokeProcessor implements TracingProcessor {
  private readonly traces = new Map<string, TraceState>();
  private readonly sender: OtlpSender<OtlpSpanJson>;

  constructor(options: KeystrokeProcessorOptions = {}) {
    const base = options.url ?? process.env.KEYSTROKE_URL ?? "http://127.0.0.1:3400";
    const serviceName = options.serviceName ?? "openai-agents";
    this.sender = new OtlpSender({
      url: `${base.replace(/\/+$/, "")}/v1/traces`,
      encode: (spans) => ({ body: JSON.stringify(exportRequest(serviceName, spans)), contentType: "application/json" }),
      headers: { ...(options.project ? { "x-keystroke-project": options.project } : {}), ...options.headers },
      delayMs: options.delayMs,
      maxBatch: options.maxBatch,
      maxQueued: options.maxQueued,
      timeoutMs: options.timeoutMs,
      maxAttempts: options.maxAttempts,
      onError: options.onError ?? ((e) => process.stderr.write(`keystroke/openai-agents: ${e.message}\n`)),
    });
  }

  async onTraceStart(trace: Trace): Promise<void> {
    this.traces.set(trace.traceId, traceState(trace));
  }

  async onTraceEnd(trace: Trace): Promise<void> {
    const state = this.traces.get(trace.traceId) ?? traceState(trace);
    this.traces.delete(trace.traceId);
    state.userId = userIdOf(trace.metadata) ?? state.userId;
    this.sender.add([
      {
        traceId: traceHex(trace.traceId),
        spanId: hex16(`${trace.traceId}:root`),
        name: `invoke_agent ${state.agentName ?? trace.name}`,
        startMs: state.startMs,
        endMs: Date.now(),
        attributes: {
          [GenAI.operationName]: "invoke_agent",
          [GenAI.agentName]: state.agentName ?? trace.name,
          [GenAI.providerName]: "openai",
          [GenAI.conversationId]: state.conversationId,
          [Otel.userId]: state.userId,
          "openai_agents.workflow_name": trace.name,
        },
      },
    ]);
    void this.sender.flush();
  }

  async onSpanStart(_span: AnySpan): Promise<void> {}

  async onSpanEnd(span: AnySpan): Promise<void> {
    const state = this.traces.get(span.traceId);
    const data = span.spanData as Json;
    if (data.type === "agent" && state && typeof data.name === "string") state.agentName ??= data.name;
    const now = Date.now();
    const attributes: Record<string, Value> = {
      [GenAI.conversationId]: state?.conversationId,
      [Otel.userId]: userIdOf(span.traceMetadata) ?? state?.userId,
      ...this.attributesOf(data, state),
    };
    this.sender.add([
      {
        traceId: traceHex(span.traceId),
        spanId: hex16(span.spanId),
        parentSpanId: span.parentId ? hex16(span.parentId) : hex16(`${span.traceId}:root`),
        name: nameOf(data),
        startMs: millis(span.startedAt, now),
        endMs: millis(span.endedAt, now),
        attributes,
        ...(span.error ? { error: span.error.message } : {}),
      },
    ]);
  }

  /** Sends what is queued; resolves once everything queued so far is sent (or given up on). */
  forceFlush(): Promise<void> {
    return this.sender.flush();
  }

  async shutdown(): Promise<void> {
    await this.sender.close();
  }

  private attributesOf(data: Json, state: TraceState | undefined): Record<string, Value> {
    switch (data.type) {
      case "agent":
        return { [GenAI.operationName]: "invoke_agent", [GenAI.agentName]: text(data.name) };
      case "generation":
        return this.chat(data.model, data.usage, data.input, data.output, state);
      case "response":
        return this.chat(
          at(data, "_response", "model"),
          at(data, "_response", "usage"),
          data._input,
          at(data, "_response", "output"),
          state,
        );
      case "function": {
        const callId = state?.calls.get(`${data.name}\u0000${data.input}`);
        return {
          [GenAI.operationName]: "execute_tool",
          [GenAI.toolName]: text(data.name),
          [GenAI.toolCallId]: callId,
          [GenAI.toolCallArguments]: text(data.input),
          [GenAI.toolCallResult]: text(data.output),
        };
      }
      default: {
        const out: Record<string, Value> = {};
        for (const [key, value] of Object.entries(data)) {
          if (key === "type") continue;
          out[`openai_agents.${key}`] =
            typeof value === "object" || typeof value === "bigint" ? json(value) : (value as Value);
        }
        return out;
      }
    }
  }

  private chat(
    model: unknown,
    usage: unknown,
    input: unknown,
    output: unknown,
    state: TraceState | undefined,
  ): Record<string, Value> {
    const outputMessages = toGenAiMessages(output);
    for (const message of outputMessages) {
      for (const part of message.parts) {
        if (part.type === "tool_call") state?.calls.set(`${part.name}\u0000${part.arguments}`, String(part.id));
      }
    }
    return {
      [GenAI.operationName]: "chat",
      [GenAI.providerName]: "openai",
      [GenAI.requestModel]: text(model),
      [GenAI.usageInputTokens]: count(at(usage, "input_tokens")),
      [GenAI.usageOutputTokens]: count(at(usage, "output_tokens")),
      [GenAI.usageCacheReadInputTokens]: count(
        at(usage, "input_tokens_details", "cached_tokens") ?? at(usage, "details", "cached_tokens"),
      ),
      [GenAI.usageReasoningOutputTokens]: count(
        at(usage, "output_tokens_details", "reasoning_tokens") ?? at(usage, "details", "reasoning_tokens"),
      ),
      [GenAI.inputMessages]: json(toGenAiMessages(input)),
      [GenAI.outputMessages]: json(outputMessages),
    };
  }
}

function traceState(trace: Trace): TraceState {
  return {
    startMs: Date.now(),
    conversationId: trace.groupId ?? undefined,
    userId: userIdOf(trace.metadata),
    calls: new Map(),
  };
}

/** The trace metadata's `user_id` (or `userId`): who the run is for. The runner may set it after the trace starts. */
function userIdOf(metadata: Record<string, unknown> | undefined): string | undefined {
  return text(metadata?.user_id ?? metadata?.userId);
}

function nameOf(data: Json): string {
  switch (data.type) {
    case "agent":
      return `invoke_agent ${text(data.name)}`;
    case "generation":
      return `chat ${text(data.model) ?? ""}`.trim();
    case "response":
      return `chat ${text(at(data, "_response", "model")) ?? ""}`.trim();
    case "function":
      return `execute_tool ${text(data.name)}`;
    case "handoff":
      return `handoff ${text(data.from_agent) ?? "?"} → ${text(data.to_agent) ?? "?"}`;
    default:
      return data.name ? `${text(data.type)} ${text(data.name)}` : String(data.type);
  }
}
