/**
 * Writing spans by hand the way an instrumentation library does, with explicit times so a test
 * says exactly when each step happened, and reading a session back over HTTP.
 */

import type { TestServer } from "@keystroke/server/testing";
import {
  type Attributes,
  type Context,
  context,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";

export const T0 = Date.parse("2026-11-28T09:00:00.000Z");

export interface SpanPlan {
  name: string;
  /** Milliseconds after T0. */
  start: number;
  end: number;
  attributes: Attributes;
  error?: string;
  events?: { name: string; at: number; attributes: Attributes }[];
  children?: SpanPlan[];
}

/** Starts and ends the spans of `plan` (children inside their parent), like an instrumented app would. */
export function emit(tracer: Tracer, plan: SpanPlan, parent: Context = context.active()): Span {
  const span = tracer.startSpan(plan.name, { startTime: T0 + plan.start, attributes: plan.attributes }, parent);
  const inside = trace.setSpan(parent, span);
  for (const child of plan.children ?? []) emit(tracer, child, inside);
  for (const event of plan.events ?? []) span.addEvent(event.name, event.attributes, T0 + event.at);
  if (plan.error) span.setStatus({ code: SpanStatusCode.ERROR, message: plan.error });
  span.end(T0 + plan.end);
  return span;
}

/**
 * A turn whose model call ends, and so is exported, before its root span: the app's
 * `invoke_agent` root, left open for the test to end (and give it a conversation id), and under
 * it a `chat gpt-4o-mini` span of 120 input and 8 output tokens, with `content` among its
 * attributes. Returns the root.
 */
export function modelCallBeforeRoot(tracer: Tracer, content: Attributes = {}): Span {
  const root = tracer.startSpan("invoke_agent", {
    startTime: T0,
    attributes: { "gen_ai.operation.name": "invoke_agent" },
  });
  const attributes = {
    "gen_ai.operation.name": "chat",
    "gen_ai.request.model": "gpt-4o-mini",
    "gen_ai.usage.input_tokens": 120,
    "gen_ai.usage.output_tokens": 8,
    ...content,
  };
  tracer
    .startSpan("chat gpt-4o-mini", { startTime: T0 + 10, attributes }, trace.setSpan(context.active(), root))
    .end(T0 + 500);
  return root;
}

export interface SessionView {
  run: Record<string, unknown> & {
    status: string;
    tokens: Record<string, number>;
    totalCost: number;
    error: { message: string } | null;
  };
  messages: { items: { role: string; parts: Record<string, unknown>[] }[] };
  trace: {
    spans: { items: { name: string; spanId: string }[] };
    logs: { items: { message: string; level: string }[] };
  };
}

export async function session(
  server: TestServer,
  slug: string,
  sessionId: string,
  project?: string,
): Promise<SessionView> {
  const query = `include=messages,trace${project ? `&project=${project}` : ""}`;
  const reply = await server.get<SessionView>(`/api/agents/${slug}/sessions/${encodeURIComponent(sessionId)}?${query}`);
  if (reply.status !== 200)
    throw new Error(`session ${slug}/${sessionId}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** The conversation as [role, part type, text or tool name] rows. */
export function conversation(view: SessionView): string[][] {
  return view.messages.items.flatMap((m) =>
    m.parts.map((p) => [m.role, String(p.type), String(p.text ?? p.name ?? "")]),
  );
}
