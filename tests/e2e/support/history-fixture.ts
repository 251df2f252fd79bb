/**
 * The data behind the web page's end-to-end tests and screenshots: a real server over a temp
 * SQLite file hosting the starter project (examples/starter), whose agents are prompted over HTTP
 * exactly as `keystroke agents prompt` does, on the offline demo model. The agent sessions the
 * tests open are those recorded runs — an order lookup followed in the same session by a refund
 * whose tool throws, a subagent call linked both ways, a session that fails — and what the tests
 * assert about them is read back from the store (`fixture.expect`), not copied from the model.
 *
 * What the runtime cannot produce yet still goes through `POST /api/ingest`, as a recorder in
 * another process sends it: the workflow run (the runtime has no workflows yet), the volume of
 * older runs of mixed kinds and statuses behind them, and the session still running that the live
 * test appends to (a prompt answers only once its turn is over).
 */
import { fileURLToPath } from "node:url";
import type { Page, RunEventInput, RunPage, Span, StoredLog, StoredMessage } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";
import { startTestServer, type TestServer } from "@keystroke/server/testing";

const starter = fileURLToPath(new URL("../../../examples/starter", import.meta.url));

/** A word that occurs in one conversation only (the refund session). */
export const SEARCH_WORD = "damaged";
export const SUPPORT_AGENT = "Support";
export const SUBAGENT = "Research";
/** The tool the support agent calls its research subagent through. */
export const SUBAGENT_TOOL = "research";
export const REPORT_WORKFLOW = "Nightly report";
export const RUNNING_TEXT = "My headphones broke after a week, can I get a replacement?";
export const LIVE_REPLY = "Your replacement ships tomorrow morning.";
const LOG_FILTER = "refund";

/** What the refund session shows, as recorded. */
export interface RefundExpectations {
  /** The first user message. */
  userText: string;
  /** The first thought of the conversation. */
  thoughtText: string;
  /** The tool call that answered, and a value of its result as its JSON shows it. */
  okTool: string;
  okResultText: string;
  /** The tool call that threw, and its error message. */
  failedTool: string;
  failedToolError: string;
  /** Spans on the trace, and how many of them are errors. */
  spans: number;
  errorSpans: number;
  /** Log lines, a filter, and how many lines match it. */
  logs: number;
  logFilter: string;
  logFilterMatches: number;
  searchWord: string;
}

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
  /** Every run id as History lists them after setup, newest first. */
  newestFirst: string[];
  /** How many runs the store holds, and how many of them failed. */
  counts: { total: number; failed: number };
  expect: RefundExpectations;
  /** Appends an assistant message to a run, as its recorder would. */
  appendMessage(runId: string, text: string): Promise<void>;
  /** Records a new run that started now: it is announced live on an open History page. */
  recordNewRun(): Promise<string>;
  close(): Promise<void>;
}

interface PromptReply {
  sessionId: string;
  runId: string;
  status: string;
  messages: StoredMessage[];
}

interface RecordedRun {
  messages: Page<StoredMessage>;
  trace: { spans: Page<Span>; logs: Page<StoredLog> };
}

/** Prompts an agent as the CLI does, so the run's source, trigger and actor are the CLI's. */
async function prompt(
  server: TestServer,
  agent: string,
  message: string,
  expected: "success" | "failed",
  sessionId?: string,
): Promise<PromptReply> {
  const command = `keystroke agents prompt ${agent} --message ${JSON.stringify(message)}`;
  const response = await fetch(`${server.url}/api/agents/${agent}/prompt`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-keystroke-client": "cli",
      "x-keystroke-command": sessionId ? `${command} --session-id ${sessionId}` : command,
      "x-keystroke-user": "ada",
    },
    body: JSON.stringify({ message, sessionId }),
  });
  const reply = (await response.json()) as PromptReply;
  if (response.status !== 200 || reply.status !== expected) {
    throw new Error(`prompting ${agent} with "${message}" answered ${response.status}: ${JSON.stringify(reply)}`);
  }
  return reply;
}

async function recorded(server: TestServer, runId: string): Promise<RecordedRun> {
  const { status, body } = await server.get<RecordedRun>(`/api/history/${runId}?include=messages,trace`);
  if (status !== 200) throw new Error(`GET /api/history/${runId} answered ${status}: ${JSON.stringify(body)}`);
  if (body.messages.nextCursor || body.trace.spans.nextCursor || body.trace.logs.nextCursor) {
    throw new Error(`run ${runId} has more than one page of messages, spans or logs`);
  }
  return body;
}

/** Reads what the tests assert from the refund session as the store recorded it. */
function refundExpectations({ messages, trace }: RecordedRun): RefundExpectations {
  const parts = messages.items.flatMap((m) => m.parts.map((part) => ({ role: m.role, part })));
  const results = parts.flatMap(({ part }) => (part.type === "tool_result" ? [part] : []));
  const ok = results.find((r) => !r.error);
  const failed = results.find((r) => r.error);
  const userText = parts.find(({ role, part }) => role === "user" && part.type === "text")?.part;
  const thought = parts.find(({ part }) => part.type === "thought")?.part;
  const okStatus = (ok?.result as { status?: unknown } | undefined)?.status;
  if (!ok?.name || !failed?.name || !failed.error || userText?.type !== "text" || thought?.type !== "thought") {
    throw new Error(`the refund session lacks a thought, a tool result or a tool error: ${JSON.stringify(parts)}`);
  }
  if (typeof okStatus !== "string") throw new Error(`${ok.name} answered no status: ${JSON.stringify(ok.result)}`);
  if (!userText.text.includes(SEARCH_WORD)) throw new Error(`"${SEARCH_WORD}" is not in "${userText.text}"`);
  const logs = trace.logs.items;
  return {
    userText: userText.text,
    thoughtText: thought.text,
    okTool: ok.name,
    okResultText: JSON.stringify(okStatus),
    failedTool: failed.name,
    failedToolError: failed.error.message,
    spans: trace.spans.items.length,
    errorSpans: trace.spans.items.filter((s) => s.status?.code === "error").length,
    logs: logs.length,
    logFilter: LOG_FILTER,
    logFilterMatches: logs.filter((l) => l.message.toLowerCase().includes(LOG_FILTER)).length,
    searchWord: SEARCH_WORD,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const hex = (length: number) => Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join("");

interface Recorder {
  runId: string;
  start: number;
  events: RunEventInput[];
  add(offsetMs: number, event: Record<string, unknown> & { type: RunEventInput["type"] }): void;
}

function recorder(start: number): Recorder {
  const events: RunEventInput[] = [];
  return {
    runId: newRunId(start),
    start,
    events,
    add(offsetMs, event) {
      events.push({ eventId: newEventId(), time: iso(start + offsetMs), ...event } as RunEventInput);
    },
  };
}

interface RunSpec {
  slug: string;
  name: string;
  project?: string;
  source?: "api" | "cli" | "gateway" | "trigger";
  trigger?: { label: string; value: unknown };
  actor?: { type: "user" | "api_key" | "trigger" | "gateway_user"; id: string; name?: string };
}

function createdEvent(r: Recorder, spec: RunSpec, kind: "agent" | "workflow" = "agent", input?: unknown) {
  r.add(0, {
    type: "run.created",
    kind,
    slug: spec.slug,
    name: spec.name,
    project: spec.project ?? "starter",
    sessionId: kind === "agent" ? `ses_${spec.slug}_${r.runId.slice(-6).toLowerCase()}` : undefined,
    source: spec.source ?? "cli",
    trigger: spec.trigger ?? { label: "CLI prompt", value: { command: `keystroke agents prompt ${spec.slug}` } },
    actor: spec.actor ?? { type: "user", id: "ada" },
    status: "queued",
    input,
  });
  r.add(40, { type: "run.started" });
}

/** One model turn of an ingested run: a chat span, the model call with usage and cost. */
function modelCall(r: Recorder, at: number, ms: number, model: string) {
  const spanId = hex(16);
  r.add(at, {
    type: "span.recorded",
    span: {
      traceId: hex(32),
      spanId,
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

/** A workflow run with input, steps and output, twelve minutes ago. */
function workflowRun(now: number): Recorder {
  const workflow = recorder(now - 12 * 60_000);
  createdEvent(
    workflow,
    {
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
  modelCall(workflow, 1750, 2100, "openai/gpt-5-mini");
  workflow.add(4000, { type: "step.finished", stepId: "s2", status: "success", output: { words: 180 } });
  workflow.add(4100, { type: "service.used", service: "s3" });
  workflow.add(4200, {
    type: "run.finished",
    status: "success",
    output: { report: "s3://reports/2026-11-27.md", orders: 412 },
  });
  return workflow;
}

/** Older runs over the last day: a mix of kinds, statuses, projects and triggers. */
function backgroundRuns(now: number): Recorder[] {
  const statuses = ["success", "success", "success", "failed", "canceled"] as const;
  const agents = [
    ["support", SUPPORT_AGENT, "starter"],
    ["triage", "Ticket triage", "helpdesk"],
    ["research", SUBAGENT, "starter"],
  ] as const;
  return Array.from({ length: 34 }, (_, i) => {
    const r = recorder(now - (60 + i * 37) * 60_000);
    const status = statuses[i % statuses.length] ?? "success";
    if (i % 4 === 3) {
      createdEvent(
        r,
        {
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
      const [slug, name, project] = agents[i % agents.length] ?? agents[0];
      const cli = i % 2 === 0;
      createdEvent(r, {
        slug,
        name,
        project,
        actor: cli ? { type: "user", id: "ada" } : { type: "api_key", id: "key_ci", name: "CI key" },
        source: cli ? "cli" : "api",
        trigger: cli ? undefined : { label: "API prompt", value: { method: "POST" } },
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
      modelCall(r, 100, 600 + i * 20, i % 3 === 0 ? "openai/gpt-5" : "anthropic/claude-sonnet-4.6");
    }
    r.add(1000 + i * 150, {
      type: "run.finished",
      status,
      error: status === "failed" ? { name: "Error", message: "Upstream returned 502" } : undefined,
    });
    return r;
  });
}

/** A support session still running, started now, arriving from a Slack thread. */
function runningSession(): Recorder {
  const running = recorder(Date.now());
  createdEvent(running, {
    slug: "support",
    name: SUPPORT_AGENT,
    source: "gateway",
    trigger: { label: "Slack thread", value: { channel: "#support" } },
    actor: { type: "gateway_user", id: "U07KQ2", name: "linus" },
  });
  running.add(60, {
    type: "message.added",
    message: { id: "m1", role: "user", parts: [{ type: "text", text: RUNNING_TEXT }] },
  });
  return running;
}

/** Starts a server hosting the starter project and records the fixture's runs. */
export async function startHistoryFixture(): Promise<HistoryFixture> {
  // The starter picks a real model when a provider key is set; these tests need the demo model.
  delete process.env.ANTHROPIC_API_KEY;
  delete process.env.OPENAI_API_KEY;
  const server = await startTestServer({ projectDir: starter });
  const ingest = async (r: Recorder) => {
    const reply = await server.ingest(r.runId, r.events);
    if (reply.status !== 200) throw new Error(`ingest of ${r.runId} failed: ${JSON.stringify(reply.body)}`);
  };

  const lookup = await prompt(
    server,
    "support",
    "Where is order A-1001? Please look up the order, the box arrived damaged.",
    "success",
  );
  await prompt(server, "support", "Please refund order A-1001.", "success", lookup.sessionId);
  const parent = await prompt(server, "support", "Can you research the product warranty policy for me?", "success");
  const failed = await prompt(server, "support", "Please simulate an outage so I can see a failed session.", "failed");

  const subagentCall = parent.messages
    .flatMap((m) => m.parts)
    .find((part) => part.type === "tool_call" && part.name === SUBAGENT_TOOL);
  const child = subagentCall?.type === "tool_call" ? subagentCall.childRunId : undefined;
  if (!child) throw new Error(`the support agent did not call ${SUBAGENT_TOOL}: ${JSON.stringify(parent.messages)}`);

  const now = Date.now();
  const workflow = workflowRun(now);
  await ingest(workflow);
  for (const r of backgroundRuns(now)) await ingest(r);
  const running = runningSession();
  await ingest(running);

  const expectations = refundExpectations(await recorded(server, lookup.runId));
  const listed = await server.get<RunPage>("/api/history?limit=1000");
  if (listed.status !== 200 || listed.body.nextCursor) {
    throw new Error(`GET /api/history did not list every run: ${JSON.stringify(listed.body).slice(0, 500)}`);
  }
  const runs = listed.body.runs;

  return {
    url: server.url,
    runs: {
      refund: lookup.runId,
      failed: failed.runId,
      parent: parent.runId,
      child,
      workflow: workflow.runId,
      running: running.runId,
    },
    newestFirst: runs.map((r) => r.runId),
    counts: { total: runs.length, failed: runs.filter((r) => r.status === "failed").length },
    expect: expectations,
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
      const r = recorder(Date.now());
      createdEvent(r, { slug: "triage", name: "Ticket triage", project: "helpdesk" });
      await ingest(r);
      return r.runId;
    },
    close: () => server.close(),
  };
}
