/**
 * The data behind the web page's end-to-end tests and screenshots: a real server over a temp
 * SQLite file, with agent sessions and workflow runs recorded through `POST /api/ingest` exactly
 * as a recorder in another process sends them — conversations with thoughts and tool calls, a
 * subagent linked both ways, failures with error payloads, workflow steps, spans, logs, models,
 * services and costs. The tests rely only on what this file exports, so it can later record the
 * same runs from the starter project instead.
 */
import { newEventId, newRunId, type RunEventInput } from "@keystroke/core";
import { startTestServer } from "../../../packages/server/src/testing/test-server.js";

/** A word that occurs in one conversation only (the refund session). */
export const SEARCH_WORD = "warranty";
export const SUPPORT_AGENT = "Support agent";
export const RESEARCH_AGENT = "Research agent";
export const SUBAGENT = "Web researcher";
export const BILLING_AGENT = "Billing agent";
export const REPORT_WORKFLOW = "Nightly report";
export const LOOKUP_TOOL = "lookup_order";
export const THOUGHT_TEXT = "The customer wants the refund status; I should look up order 1042 first.";
export const LIVE_REPLY = "Your replacement ships tomorrow morning.";

export interface HistoryFixture {
  url: string;
  /** Run ids by role. */
  runs: {
    refund: string;
    failed: string;
    parent: string;
    child: string;
    workflow: string;
    running: string;
  };
  /** How many runs the store holds, and how many of them failed. */
  counts: { total: number; failed: number };
  /** Appends an assistant message to a run, as its recorder would. */
  appendMessage(runId: string, text: string): Promise<void>;
  /** Records a new run that started now: it is announced live on an open History page. */
  recordNewRun(): Promise<string>;
  close(): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const hex = (length: number) => Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join("");

interface Recorder {
  runId: string;
  start: number;
  events: RunEventInput[];
  add(offsetMs: number, event: Record<string, unknown> & { type: RunEventInput["type"] }): void;
}

function recorder(runId: string, start: number): Recorder {
  const events: RunEventInput[] = [];
  return {
    runId,
    start,
    events,
    add(offsetMs, event) {
      events.push({ eventId: newEventId(), time: iso(start + offsetMs), ...event } as RunEventInput);
    },
  };
}

interface AgentSpec {
  start: number;
  slug: string;
  name: string;
  project?: string;
  source?: "api" | "cli" | "gateway" | "trigger" | "workflow" | "agent";
  trigger?: { label: string; value: unknown };
  actor?: { type: "user" | "api_key" | "trigger" | "gateway_user" | "workflow" | "agent"; id: string; name?: string };
  parent?: { runId: string; toolCallId: string };
  model?: string;
}

function createdEvent(r: Recorder, spec: AgentSpec, kind: "agent" | "workflow" = "agent", input?: unknown) {
  r.add(0, {
    type: "run.created",
    kind,
    slug: spec.slug,
    name: spec.name,
    project: spec.project ?? "acme-support",
    sessionId: kind === "agent" ? `ses_${spec.slug}_${r.runId.slice(-6).toLowerCase()}` : undefined,
    source: spec.source ?? "cli",
    trigger: spec.trigger ?? { label: "CLI prompt", value: { command: `keystroke agents prompt ${spec.slug}` } },
    actor: spec.actor ?? { type: "user", id: "user_ada", name: "Ada Lovelace" },
    parent: spec.parent,
    status: "queued",
    input,
  });
  r.add(40, { type: "run.started" });
}

/** One model turn: a chat span under the agent span, the model call with usage and cost. */
function modelCall(r: Recorder, traceId: string, parentSpanId: string, at: number, ms: number, model: string) {
  const spanId = hex(16);
  r.add(at, {
    type: "span.recorded",
    span: {
      traceId,
      spanId,
      parentSpanId,
      name: `chat ${model}`,
      kind: "client",
      startTime: iso(r.start + at),
      endTime: iso(r.start + at + ms),
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": model.split("/")[0],
        "gen_ai.request.model": model,
        "gen_ai.usage.input_tokens": 812,
        "gen_ai.usage.output_tokens": 164,
      },
    },
  });
  r.add(at + ms, {
    type: "model.called",
    callId: `call_${hex(8)}`,
    provider: model.split("/")[0] ?? "demo",
    model,
    usage: { inputTokens: 812, outputTokens: 164 },
    cost: 0.00489,
    latencyMs: ms,
    spanId,
  });
}

/** Starts a server and records the fixture's runs. */
export async function startHistoryFixture(): Promise<HistoryFixture> {
  const server = await startTestServer();
  const now = Date.now();
  const minutes = (m: number) => now - m * 60_000;
  const ingest = async (r: Recorder) => {
    const reply = await server.ingest(r.runId, r.events);
    if (reply.status !== 200) throw new Error(`ingest of ${r.runId} failed: ${JSON.stringify(reply.body)}`);
  };
  let failed = 0;

  const spanAt = (r: Recorder, start: number, span: Record<string, unknown>) =>
    r.add(0, {
      type: "span.recorded",
      span: {
        ...span,
        startTime: iso(start + (span.startTime as number)),
        endTime: iso(start + (span.endTime as number)),
      },
    });

  // The refund session: thought, a tool call with its result, a tool call that failed.
  const refundStart = minutes(42);
  const refund = recorder(newRunId(refundStart), refundStart);
  const refundSpec: AgentSpec = { start: refundStart, slug: "support", name: SUPPORT_AGENT };
  createdEvent(refund, refundSpec);
  const trace = hex(32);
  const root = hex(16);
  refund.add(60, {
    type: "message.added",
    message: {
      id: "m1",
      role: "user",
      parts: [{ type: "text", text: `Where is my refund for order 1042? The ${SEARCH_WORD} says 30 days.` }],
    },
  });
  modelCall(refund, trace, root, 100, 900, "anthropic/claude-sonnet-4.6");
  refund.add(1000, {
    type: "message.added",
    message: {
      id: "m2",
      role: "assistant",
      parts: [
        { type: "thought", text: THOUGHT_TEXT },
        { type: "tool_call", id: "tc1", name: LOOKUP_TOOL, arguments: { orderId: "1042" } },
        {
          type: "tool_result",
          id: "tc1",
          name: LOOKUP_TOOL,
          result: { status: "refunded", amount: 49.9, currency: "EUR" },
        },
        { type: "tool_call", id: "tc2", name: "notify_customer", arguments: { channel: "sms" } },
        {
          type: "tool_result",
          id: "tc2",
          name: "notify_customer",
          error: { name: "ServiceError", message: "SMS gateway refused the number", code: "E_SMS" },
        },
        {
          type: "text",
          text: "Your refund of €49.90 for order 1042 was issued yesterday. It should reach your card within 3–5 business days.",
        },
      ],
    },
  });
  spanAt(refund, refundStart, {
    traceId: trace,
    spanId: root,
    name: "invoke_agent support",
    startTime: 50,
    endTime: 2400,
    attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "support" },
  });
  spanAt(refund, refundStart, {
    traceId: trace,
    spanId: hex(16),
    parentSpanId: root,
    name: `execute_tool ${LOOKUP_TOOL}`,
    startTime: 1010,
    endTime: 1180,
    attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": LOOKUP_TOOL, "order.id": "1042" },
  });
  spanAt(refund, refundStart, {
    traceId: trace,
    spanId: hex(16),
    parentSpanId: root,
    name: "execute_tool notify_customer",
    startTime: 1190,
    endTime: 1420,
    status: { code: "error", message: "SMS gateway refused the number" },
    attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "notify_customer" },
    events: [
      {
        name: "exception",
        time: iso(refundStart + 1400),
        attributes: { "exception.type": "ServiceError", "exception.message": "SMS gateway refused the number" },
      },
    ],
  });
  modelCall(refund, trace, root, 1500, 850, "anthropic/claude-sonnet-4.6");
  refund.add(1200, { type: "service.used", service: "orders-api" });
  refund.add(1300, { type: "service.used", service: "twilio" });
  refund.add(1100, {
    type: "log.recorded",
    log: {
      time: iso(refundStart + 1100),
      level: "info",
      message: "order 1042 found: refunded",
      attributes: { orderId: "1042" },
    },
  });
  refund.add(1410, {
    type: "log.recorded",
    log: {
      time: iso(refundStart + 1410),
      level: "error",
      message: "sms send failed: number refused",
      attributes: { code: "E_SMS" },
    },
  });
  refund.add(2400, { type: "run.finished", status: "success", output: { answered: true } });
  await ingest(refund);

  // A research session that hands a question to a subagent, linked both ways.
  const parentStart = minutes(30);
  const parent = recorder(newRunId(parentStart), parentStart);
  const child = recorder(newRunId(parentStart + 1500), parentStart + 1500);
  createdEvent(parent, {
    start: parentStart,
    slug: "research",
    name: RESEARCH_AGENT,
    project: "acme-research",
    source: "api",
    trigger: { label: "API call", value: { method: "POST", path: "/api/agents/research/prompt" } },
    actor: { type: "api_key", id: "key_ci", name: "CI key" },
  });
  parent.add(60, {
    type: "message.added",
    message: {
      id: "m1",
      role: "user",
      parts: [{ type: "text", text: "Compare the return policies of our three competitors." }],
    },
  });
  parent.add(1400, {
    type: "message.added",
    message: {
      id: "m2",
      role: "assistant",
      parts: [
        { type: "thought", text: "This needs web research; delegate it to the researcher." },
        {
          type: "tool_call",
          id: "sub1",
          name: "web_researcher",
          arguments: { question: "competitor return policies" },
          childRunId: child.runId,
        },
      ],
    },
  });
  parent.add(1500, { type: "run.child_added", childRunId: child.runId, toolCallId: "sub1" });
  modelCall(parent, hex(32), hex(16), 100, 1200, "openai/gpt-5");
  createdEvent(child, {
    start: parentStart + 1500,
    slug: "researcher",
    name: SUBAGENT,
    project: "acme-research",
    source: "agent",
    trigger: { label: "Subagent call", value: { parentRunId: parent.runId, tool: "web_researcher" } },
    actor: { type: "agent", id: "research", name: RESEARCH_AGENT },
    parent: { runId: parent.runId, toolCallId: "sub1" },
  });
  child.add(60, {
    type: "message.added",
    message: { id: "m1", role: "user", parts: [{ type: "text", text: "competitor return policies" }] },
  });
  child.add(3000, {
    type: "message.added",
    message: {
      id: "m2",
      role: "assistant",
      parts: [{ type: "text", text: "All three offer 30-day returns; one charges a restocking fee." }],
    },
  });
  modelCall(child, hex(32), hex(16), 100, 2500, "openai/gpt-5-mini");
  child.add(3100, { type: "service.used", service: "web-search" });
  child.add(3200, { type: "run.finished", status: "success" });
  parent.add(5200, {
    type: "message.part_added",
    messageId: "m2",
    part: {
      type: "tool_result",
      id: "sub1",
      name: "web_researcher",
      result: { summary: "All three offer 30-day returns." },
    },
  });
  parent.add(5600, {
    type: "message.added",
    message: {
      id: "m3",
      role: "assistant",
      parts: [
        {
          type: "text",
          text: "All three competitors accept returns within 30 days; only one charges a restocking fee.",
        },
      ],
    },
  });
  parent.add(5700, { type: "run.finished", status: "success" });
  await ingest(parent);
  await ingest(child);

  // A failed session with its error payload.
  const failedStart = minutes(18);
  const failedRun = recorder(newRunId(failedStart), failedStart);
  createdEvent(failedRun, {
    start: failedStart,
    slug: "billing",
    name: BILLING_AGENT,
    source: "gateway",
    trigger: { label: "Slack thread", value: { channel: "#billing", ts: "1732788000.000100" } },
    actor: { type: "gateway_user", id: "U024BE7LH", name: "grace" },
  });
  failedRun.add(60, {
    type: "message.added",
    message: { id: "m1", role: "user", parts: [{ type: "text", text: "Charge the annual plan to the card on file." }] },
  });
  failedRun.add(900, {
    type: "message.added",
    message: {
      id: "m2",
      role: "assistant",
      parts: [
        { type: "tool_call", id: "pay1", name: "charge_card", arguments: { plan: "annual", amountCents: 120000 } },
        {
          type: "tool_result",
          id: "pay1",
          name: "charge_card",
          error: { name: "TimeoutError", message: "Payment provider timed out after 30 s" },
        },
      ],
    },
  });
  modelCall(failedRun, hex(32), hex(16), 100, 700, "anthropic/claude-sonnet-4.6");
  failedRun.add(31_000, {
    type: "log.recorded",
    log: { time: iso(failedStart + 31_000), level: "error", message: "charge_card timed out", attributes: {} },
  });
  failedRun.add(31_200, {
    type: "run.finished",
    status: "failed",
    error: {
      name: "ToolError",
      message: "Payment provider timed out after 30 s",
      code: "E_TIMEOUT",
      stack:
        "ToolError: Payment provider timed out after 30 s\n    at chargeCard (src/actions/charge-card.ts:18:11)\n    at runTool (keystroke/agent/tools.js:77:19)",
    },
  });
  await ingest(failedRun);
  failed++;

  // A workflow run with input, steps and output.
  const wfStart = minutes(12);
  const workflow = recorder(newRunId(wfStart), wfStart);
  createdEvent(
    workflow,
    {
      start: wfStart,
      slug: "nightly-report",
      name: REPORT_WORKFLOW,
      project: "acme-ops",
      source: "trigger",
      trigger: { label: "Cron schedule", value: "0 2 * * *" },
      actor: { type: "trigger", id: "nightly-cron" },
    },
    "workflow",
    { date: "2026-11-27", region: "eu" },
  );
  workflow.add(100, { type: "step.started", stepId: "s1", name: "fetch-orders", input: { date: "2026-11-27" } });
  workflow.add(1600, { type: "step.finished", stepId: "s1", status: "success", output: { orders: 412 } });
  workflow.add(1700, { type: "step.started", stepId: "s2", name: "summarize", input: { orders: 412 } });
  modelCall(workflow, hex(32), hex(16), 1750, 2100, "openai/gpt-5-mini");
  workflow.add(4000, { type: "step.finished", stepId: "s2", status: "success", output: { words: 180 } });
  workflow.add(4100, { type: "service.used", service: "s3" });
  workflow.add(4200, {
    type: "run.finished",
    status: "success",
    output: { report: "s3://reports/2026-11-27.md", orders: 412 },
  });
  await ingest(workflow);

  // A session still running: the live test appends to it.
  const runningStart = minutes(1);
  const running = recorder(newRunId(runningStart), runningStart);
  createdEvent(running, {
    start: runningStart,
    slug: "support",
    name: SUPPORT_AGENT,
    source: "gateway",
    trigger: { label: "Slack thread", value: { channel: "#support" } },
    actor: { type: "gateway_user", id: "U07KQ2", name: "linus" },
  });
  running.add(60, {
    type: "message.added",
    message: {
      id: "m1",
      role: "user",
      parts: [{ type: "text", text: "My headphones broke after a week, can I get a replacement?" }],
    },
  });
  await ingest(running);

  // Background volume: a mix of kinds, statuses, projects and triggers over the last day.
  const statuses = ["success", "success", "success", "failed", "canceled"] as const;
  const agents = [
    ["support", SUPPORT_AGENT, "acme-support"],
    ["triage", "Ticket triage", "acme-support"],
    ["research", RESEARCH_AGENT, "acme-research"],
  ] as const;
  let total = 6;
  for (let i = 0; i < 34; i++) {
    const start = minutes(60 + i * 37);
    const status = statuses[i % statuses.length] ?? "success";
    const [slug, name, project] = agents[i % agents.length] ?? agents[0];
    const isWorkflow = i % 4 === 3;
    const r = recorder(newRunId(start), start);
    if (isWorkflow) {
      createdEvent(
        r,
        {
          start,
          slug: "sync-crm",
          name: "CRM sync",
          project: "acme-ops",
          source: "trigger",
          trigger: { label: "Webhook", value: { source: "hubspot", event: "contact.updated" } },
          actor: { type: "trigger", id: "hubspot-webhook" },
        },
        "workflow",
        { batch: i },
      );
      r.add(200, { type: "step.started", stepId: "s1", name: "pull-contacts" });
      r.add(900 + i * 40, {
        type: "step.finished",
        stepId: "s1",
        status: status === "failed" ? "failed" : "success",
        error: status === "failed" ? { message: "HubSpot rate limit" } : undefined,
      });
    } else {
      createdEvent(r, {
        start,
        slug,
        name,
        project,
        actor:
          i % 2 === 0
            ? { type: "user", id: "user_ada", name: "Ada Lovelace" }
            : { type: "api_key", id: "key_ci", name: "CI key" },
        source: i % 2 === 0 ? "cli" : "api",
        trigger: i % 2 === 0 ? undefined : { label: "API call", value: { method: "POST" } },
      });
      r.add(50, {
        type: "message.added",
        message: {
          id: "m1",
          role: "user",
          parts: [{ type: "text", text: `Question number ${i} about shipping times.` }],
        },
      });
      r.add(800, {
        type: "message.added",
        message: {
          id: "m2",
          role: "assistant",
          parts: [{ type: "text", text: "Standard shipping takes two to four days." }],
        },
      });
      modelCall(r, hex(32), hex(16), 100, 600 + i * 20, i % 3 === 0 ? "openai/gpt-5" : "anthropic/claude-sonnet-4.6");
    }
    r.add(1000 + i * 150, {
      type: "run.finished",
      status,
      error: status === "failed" ? { name: "Error", message: "Upstream returned 502" } : undefined,
    });
    await ingest(r);
    total++;
    if (status === "failed") failed++;
  }

  return {
    url: server.url,
    runs: {
      refund: refund.runId,
      failed: failedRun.runId,
      parent: parent.runId,
      child: child.runId,
      workflow: workflow.runId,
      running: running.runId,
    },
    counts: { total, failed },
    appendMessage: async (runId, text) => {
      const reply = await server.ingest(runId, [
        {
          eventId: newEventId(),
          type: "message.added",
          time: iso(Date.now()),
          message: { id: `m_${hex(8)}`, role: "assistant", parts: [{ type: "text", text }] },
        },
      ]);
      if (reply.status !== 200) throw new Error(`append failed: ${JSON.stringify(reply.body)}`);
    },
    recordNewRun: async () => {
      const start = Date.now();
      const r = recorder(newRunId(start), start);
      createdEvent(r, { start, slug: "triage", name: "Ticket triage", project: "acme-support" });
      await ingest(r);
      return r.runId;
    },
    close: () => server.close(),
  };
}
