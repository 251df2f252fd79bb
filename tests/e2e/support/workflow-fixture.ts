/**
 * The workflow runs behind the web page's workflow end-to-end test, recorded on a real server
 * through `POST /api/ingest` as a workflow runtime in another process records them: a finished
 * order workflow (an action, a step that failed once and succeeded on its second attempt, an
 * agent step whose child agent run is recorded too, an output), a run sleeping on a timer, a run
 * waiting on a hook, and a run that failed. What the tests assert about them is named here once.
 */
import type { RunDetail, RunEventInput } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";
import { startTestServer, type TestServer } from "@keystroke/server/testing";

export const ORDER_WORKFLOW = "Order fulfillment";
export const ORDER_INPUT = { orderId: "A-1001", items: 3 };
export const ORDER_OUTPUT_TEXT = "ch_3PQ8x1";
/** The steps of the order workflow, in order, with what the timeline shows of each. */
export const ORDER_STEPS = [
  { name: "validate-order", kind: "Action", status: "Success", duration: "120ms" },
  // The second attempt's time: the first ran 1 s and failed.
  { name: "charge-card", kind: "Action", status: "Success", duration: "400ms", attempts: "2 attempts" },
  { name: "write-confirmation", kind: "Agent", status: "Success", duration: "1.7s" },
  { name: "send-email", kind: "Step", status: "Success", duration: "400ms" },
] as const;
/** The output of validate-order as its JSON shows it. */
export const VALIDATE_OUTPUT_TEXT = '"warehouse": "eu-west"';
export const CHILD_AGENT = "Copywriter";
export const SLEEPING_WORKFLOW = "Trial reminder";
export const SLEEP_STEP = "wait-for-trial-end";
export const HOOK_WORKFLOW = "Refund approval";
export const HOOK_STEP = "manager-approval";
export const FAILED_WORKFLOW = "CSV import";
export const FAILED_STEP = "parse-rows";
export const FAILED_ERROR = "Row 17 has no email address";

interface Recorder {
  runId: string;
  events: RunEventInput[];
  add(atMs: number, event: Record<string, unknown> & { type: RunEventInput["type"] }): void;
}

const iso = (ms: number) => new Date(ms).toISOString();

function recorder(at: number): Recorder {
  const events: RunEventInput[] = [];
  return {
    runId: newRunId(at),
    events,
    add(atMs, event) {
      events.push({ eventId: newEventId(), time: iso(atMs), ...event } as RunEventInput);
    },
  };
}

interface WorkflowSpec {
  slug: string;
  name: string;
  input: unknown;
  trigger?: { label: string; value: unknown };
}

/** A workflow run queued at `at` by a webhook and started 250 ms later. */
function workflow(at: number, spec: WorkflowSpec): Recorder {
  const r = recorder(at);
  r.add(at, {
    type: "run.created",
    kind: "workflow",
    slug: spec.slug,
    name: spec.name,
    project: "acme-shop",
    source: "trigger",
    trigger: spec.trigger ?? { label: "Webhook", value: { source: "shopify", event: "orders/create" } },
    actor: { type: "trigger", id: `${spec.slug}-webhook` },
    status: "queued",
    input: spec.input,
  });
  r.add(at + 250, { type: "run.started" });
  return r;
}

type StepKind = "step" | "action" | "agent" | "llm" | "workflow" | "sleep" | "hook";

/** One step started and finished well, on its first attempt unless told. */
function step(
  r: Recorder,
  stepId: string,
  name: string,
  kind: StepKind,
  from: number,
  to: number,
  output: unknown,
  extra: { attempt?: number; input?: unknown; childRunId?: string } = {},
) {
  const attempt = extra.attempt ?? 1;
  r.add(from, { type: "step.started", stepId, name, kind, attempt, input: extra.input, childRunId: extra.childRunId });
  r.add(to, { type: "step.finished", stepId, status: "success", attempt, output });
}

/** The order workflow and the agent run its write-confirmation step started, ten minutes ago. */
function orderRuns(now: number): { order: Recorder; child: Recorder } {
  const t = now - 10 * 60_000;
  const order = workflow(t, { slug: "order-fulfillment", name: ORDER_WORKFLOW, input: ORDER_INPUT });
  const child = recorder(t + 2600);
  step(
    order,
    "s1",
    "validate-order",
    "action",
    t + 300,
    t + 420,
    { valid: true, warehouse: "eu-west" },
    {
      input: ORDER_INPUT,
    },
  );
  order.add(t + 500, { type: "step.started", stepId: "s2", name: "charge-card", kind: "action", attempt: 1 });
  order.add(t + 1500, {
    type: "step.finished",
    stepId: "s2",
    status: "failed",
    attempt: 1,
    error: { name: "GatewayTimeout", message: "The card processor did not answer in time" },
  });
  step(order, "s2", "charge-card", "action", t + 2000, t + 2400, { chargeId: ORDER_OUTPUT_TEXT }, { attempt: 2 });
  step(
    order,
    "s3",
    "write-confirmation",
    "agent",
    t + 2500,
    t + 4200,
    { text: "Your order A-1001 is on its way." },
    { childRunId: child.runId },
  );
  order.add(t + 2550, { type: "run.child_added", childRunId: child.runId, stepId: "s3" });
  step(order, "s4", "send-email", "step", t + 4300, t + 4700, { sent: true });
  order.add(t + 4800, {
    type: "run.finished",
    status: "success",
    output: { orderId: "A-1001", chargeId: ORDER_OUTPUT_TEXT, emailed: true },
  });

  child.add(t + 2600, {
    type: "run.created",
    kind: "agent",
    slug: "copywriter",
    name: CHILD_AGENT,
    project: "acme-shop",
    sessionId: `ses_copywriter_${child.runId.slice(-6).toLowerCase()}`,
    source: "workflow",
    trigger: { label: "Workflow step", value: { workflow: "order-fulfillment", step: "write-confirmation" } },
    actor: { type: "workflow", id: "order-fulfillment" },
    parent: { runId: order.runId, stepId: "s3" },
    status: "running",
  });
  child.add(t + 2650, {
    type: "message.added",
    message: { id: "m1", role: "user", parts: [{ type: "text", text: "Write a confirmation for order A-1001." }] },
  });
  child.add(t + 4100, {
    type: "message.added",
    message: { id: "m2", role: "assistant", parts: [{ type: "text", text: "Your order A-1001 is on its way." }] },
  });
  child.add(t + 4150, { type: "run.finished", status: "success" });
  return { order, child };
}

/** A run that loaded an account and sleeps until `until`. */
function sleepingRun(now: number, until: number): Recorder {
  const t = now - 60_000;
  const r = workflow(t, {
    slug: "trial-reminder",
    name: SLEEPING_WORKFLOW,
    input: { accountId: "acct_42" },
    trigger: { label: "Cron schedule", value: "0 9 * * *" },
  });
  step(r, "s1", "load-account", "action", t + 300, t + 600, { plan: "trial" });
  r.add(t + 700, { type: "step.started", stepId: "s2", name: SLEEP_STEP, kind: "sleep", attempt: 1 });
  r.add(t + 710, {
    type: "run.status_changed",
    status: "sleeping",
    wait: { kind: "sleep", stepId: "s2", until: iso(until) },
  });
  return r;
}

/** A run waiting on a manager's approval hook, which expires at `expiresAt` (or never). */
function hookRun(now: number, expiresAt: number | null): Recorder {
  const t = now - 3 * 60_000;
  const r = workflow(t, { slug: "refund-approval", name: HOOK_WORKFLOW, input: { orderId: "A-1002", amount: 49 } });
  step(r, "s1", "check-policy", "action", t + 300, t + 500, { eligible: true });
  r.add(t + 600, { type: "step.started", stepId: "s2", name: HOOK_STEP, kind: "hook", attempt: 1 });
  r.add(t + 610, {
    type: "run.status_changed",
    status: "waiting_on_hook",
    wait: { kind: "hook", stepId: "s2", expiresAt: expiresAt === null ? null : iso(expiresAt) },
  });
  return r;
}

/** A run whose second step threw, failing the run, half an hour ago. */
function failedRun(now: number): Recorder {
  const t = now - 30 * 60_000;
  const r = workflow(t, { slug: "csv-import", name: FAILED_WORKFLOW, input: { file: "contacts.csv" } });
  step(r, "s1", "download-file", "action", t + 300, t + 900, { bytes: 48_213 });
  r.add(t + 1000, { type: "step.started", stepId: "s2", name: FAILED_STEP, kind: "step", attempt: 1 });
  const error = { name: "ValidationError", message: FAILED_ERROR };
  r.add(t + 1300, { type: "step.finished", stepId: "s2", status: "failed", attempt: 1, error });
  r.add(t + 1350, { type: "run.finished", status: "failed", error });
  return r;
}

export interface WorkflowFixture {
  url: string;
  runs: { order: string; child: string; sleeping: string; hook: string; failed: string };
  /** When the sleeping run wakes, and when the hook expires (ISO). */
  sleepUntil: string;
  hookExpiresAt: string;
  /** The hook's resume URL as the server serves it. */
  resumeUrl: string;
  /** Records a new run sleeping until `until` (epoch ms); returns its id. */
  recordSleepingRun(until: number): Promise<string>;
  /** Records a new run waiting on a hook that never expires; returns its id. */
  recordHookRun(): Promise<string>;
  /** Wakes a sleeping run recorded by recordSleepingRun: it runs again and its sleep step finishes. */
  wake(runId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startWorkflowFixture(): Promise<WorkflowFixture> {
  const server: TestServer = await startTestServer();
  const ingest = async (r: Recorder) => {
    const reply = await server.ingest(r.runId, r.events);
    if (reply.status !== 200) throw new Error(`ingest of ${r.runId} failed: ${JSON.stringify(reply.body)}`);
  };
  const now = Date.now();
  const { order, child } = orderRuns(now);
  const sleepUntil = now + 2 * 3_600_000;
  const hookExpiresAt = now + 26 * 3_600_000;
  const sleeping = sleepingRun(now, sleepUntil);
  const hook = hookRun(now, hookExpiresAt);
  const failed = failedRun(now);
  for (const r of [failed, order, child, hook, sleeping]) await ingest(r);

  const served = await server.get<{ run: RunDetail }>(`/api/history/${hook.runId}`);
  const wait = served.body.run.wait;
  if (served.status !== 200 || wait?.kind !== "hook" || !wait.resumeUrl) {
    throw new Error(
      `the waiting run is not served waiting on its hook with a resumeUrl: ${JSON.stringify(served.body)}`,
    );
  }

  return {
    url: server.url,
    runs: { order: order.runId, child: child.runId, sleeping: sleeping.runId, hook: hook.runId, failed: failed.runId },
    sleepUntil: iso(sleepUntil),
    hookExpiresAt: iso(hookExpiresAt),
    resumeUrl: wait.resumeUrl,
    recordSleepingRun: async (until) => {
      const r = sleepingRun(Date.now(), until);
      await ingest(r);
      return r.runId;
    },
    recordHookRun: async () => {
      const r = hookRun(Date.now(), null);
      await ingest(r);
      return r.runId;
    },
    wake: async (runId) => {
      const at = Date.now();
      const events: RunEventInput[] = [
        { eventId: newEventId(), type: "run.status_changed", time: iso(at), status: "running" },
        {
          eventId: newEventId(),
          type: "step.finished",
          time: iso(at + 1),
          stepId: "s2",
          status: "success",
          attempt: 1,
        },
      ] as RunEventInput[];
      const reply = await server.ingest(runId, events);
      if (reply.status !== 200) throw new Error(`waking ${runId} failed: ${JSON.stringify(reply.body)}`);
    },
    close: () => server.close(),
  };
}
