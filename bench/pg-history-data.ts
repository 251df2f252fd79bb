/**
 * The History of the PostgreSQL benchmark: a realistic mix of agent and workflow runs spread over
 * 90 days, with a value in every field a RunFilter can name (projects, statuses, sources,
 * triggers, actors, slugs, sessions, parent runs, models, services, costs, messages, steps) and
 * conversation text for search. The same seed yields the same History, so both stores hold it.
 */
import { type IngestBatch, parseIngestBatch, type RunEventInput, type RunStatus } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";
import { pick, sentence } from "./data.js";

export const DAY = 86_400_000;
export const T0 = Date.parse("2026-08-01T00:00:00Z");
export const SPAN_DAYS = 90;

export const statuses = [
  ...Array<RunStatus>(80).fill("success"),
  ...Array<RunStatus>(10).fill("failed"),
  ...Array<RunStatus>(4).fill("canceled"),
  ...Array<RunStatus>(3).fill("running"),
  "queued",
  "sleeping",
  "waiting_on_hook",
] as const satisfies readonly RunStatus[];
export const projects = Array.from({ length: 20 }, (_, i) => `project-${i}`);
export const sources = [
  ["api", "API prompt"],
  ["cli", "CLI prompt"],
  ["gateway", "Slack thread"],
  ["trigger", "Schedule"],
  ["workflow", "Workflow step"],
  ["agent", "Subagent call"],
] as const;
export const models = [
  "openai/gpt-5",
  "openai/gpt-5-mini",
  "anthropic/claude-sonnet-4.6",
  "anthropic/claude-haiku-4.5",
  "google/gemini-2.5-pro",
  "mistral/mistral-large",
  "openai/o4-mini",
  "demo/echo",
];
export const services = [
  "stripe",
  "zendesk",
  "github",
  "slack",
  "postgres",
  "s3",
  "twilio",
  "sendgrid",
  "linear",
  "notion",
];
export const agentSlugs = Array.from({ length: 40 }, (_, i) => `agent-${i}`);
export const workflowSlugs = Array.from({ length: 10 }, (_, i) => `workflow-${i}`);
export const ACTORS = 1000;
/** Words in about one message in 6,000 each: a search that must start from the index. */
export const rareWords = ["wombat", "quokka", "axolotl"];

/** Earlier values are picked far more often (a squared uniform draw). */
export const skewed = <T>(next: () => number, items: readonly T[]) =>
  items[Math.floor(items.length * next() ** 2)] as T;
const iso = (t: number) => new Date(t).toISOString();

/** Generates the runs of one History, oldest first; remembers recent runs to be parents. */
export class HistoryRuns {
  /** Recent run ids, some of which later runs name as their parent. */
  readonly parents: string[] = [];
  private index = 0;

  constructor(
    readonly total: number,
    private readonly next: () => number,
  ) {}

  /** The trigger time of run `i` of `total`: evenly over SPAN_DAYS days. */
  static timeOf(i: number, total: number): number {
    return T0 + Math.floor((i / total) * SPAN_DAYS * DAY);
  }

  /** The next run's one batch, as a producer would send it once the run is over. */
  batch(): IngestBatch {
    const next = this.next;
    const at = HistoryRuns.timeOf(this.index++, this.total);
    const runId = newRunId(at);
    const status = pick(next, statuses);
    const [source, trigger] = skewed(next, sources);
    const kind = source === "workflow" || (source === "trigger" && next() < 0.8) || next() < 0.1 ? "workflow" : "agent";
    const parent = (source === "workflow" || source === "agent") && this.parents.length > 0;
    const events: RunEventInput[] = [
      {
        eventId: newEventId(),
        type: "run.created",
        time: iso(at),
        kind,
        slug: kind === "agent" ? skewed(next, agentSlugs) : skewed(next, workflowSlugs),
        name: kind === "agent" ? "Support agent" : "Nightly report",
        project: skewed(next, projects),
        sessionId: kind === "agent" ? `ses_${runId.slice(4)}` : undefined,
        source,
        trigger: { label: trigger },
        actor:
          source === "trigger"
            ? { type: "trigger", id: `schedule-${Math.floor(next() * 20)}` }
            : { type: "user", id: `user-${Math.floor(next() * ACTORS)}` },
        parent: parent ? { runId: pick(next, this.parents) } : undefined,
        input: { prompt: sentence(next, 6) },
      },
    ];
    if (next() < 0.02) this.parents.push(runId);
    if (this.parents.length > 200) this.parents.shift();
    if (status !== "queued") events.push({ eventId: newEventId(), type: "run.started", time: iso(at + 5) });
    if (kind === "agent") this.conversation(events, at);
    else this.steps(events, at);
    this.finish(events, at, status);
    return parseIngestBatch({ runId, events });
  }

  private conversation(events: RunEventInput[], at: number): void {
    const next = this.next;
    const messageCount = 1 + Math.floor(next() * next() * 6);
    for (let m = 0; m < messageCount; m++) {
      events.push({
        eventId: newEventId(),
        type: "message.added",
        time: iso(at + 10 + m),
        message: {
          id: `m${m}`,
          role: m % 2 ? "assistant" : "user",
          parts: [{ type: "text", text: this.text() }],
        },
      });
    }
    const calls = 1 + Math.floor(next() * 4);
    const [provider, id] = skewed(next, models).split("/") as [string, string];
    for (let c = 0; c < calls; c++) {
      events.push({
        eventId: newEventId(),
        type: "model.called",
        time: iso(at + 20 + c),
        callId: `c${c}`,
        provider,
        model: id,
        usage: { inputTokens: 500 + Math.floor(next() * 2000), outputTokens: 100 + Math.floor(next() * 400) },
        cost: Number((next() ** 3 * 0.5).toFixed(6)),
        latencyMs: 300 + Math.floor(next() * 3000),
      });
    }
    if (next() < 0.15) {
      const [second, secondId] = pick(next, models).split("/") as [string, string];
      events.push({
        eventId: newEventId(),
        type: "model.called",
        time: iso(at + 30),
        callId: "cx",
        provider: second,
        model: secondId,
      });
    }
    const serviceCount = Math.floor(next() * 3);
    for (let s = 0; s < serviceCount; s++) {
      events.push({ eventId: newEventId(), type: "service.used", time: iso(at + 40), service: skewed(next, services) });
    }
  }

  private text(): string {
    const text = sentence(this.next, 10);
    return this.next() < 0.0005 ? `${text} ${pick(this.next, rareWords)}` : text;
  }

  private steps(events: RunEventInput[], at: number): void {
    const next = this.next;
    const count = 1 + Math.floor(next() * 5);
    for (let s = 0; s < count; s++) {
      const t = at + 10 + s * 100;
      events.push(
        {
          eventId: newEventId(),
          type: "step.started",
          time: iso(t),
          stepId: `s${s}`,
          name: `step-${s}`,
          kind: "action",
          input: { n: s },
        },
        {
          eventId: newEventId(),
          type: "step.finished",
          time: iso(t + 50),
          stepId: `s${s}`,
          status: "success",
          output: { ok: true },
        },
      );
    }
    if (next() < 0.5) {
      events.push({
        eventId: newEventId(),
        type: "model.called",
        time: iso(at + 20),
        callId: "c0",
        provider: "openai",
        model: "gpt-5-mini",
        usage: { inputTokens: 800, outputTokens: 200 },
        cost: Number((next() ** 3 * 0.2).toFixed(6)),
      });
    }
    if (next() < 0.5)
      events.push({ eventId: newEventId(), type: "service.used", time: iso(at + 40), service: skewed(next, services) });
  }

  private finish(events: RunEventInput[], at: number, status: RunStatus): void {
    const next = this.next;
    if (status === "success" || status === "failed" || status === "canceled") {
      events.push({
        eventId: newEventId(),
        type: "run.finished",
        time: iso(at + 1000 + Math.floor(next() * 60_000)),
        status,
        output: status === "success" ? { answer: sentence(next, 8) } : undefined,
        error: status === "failed" ? { message: "Tool lookup-order failed" } : undefined,
      });
    } else if (status === "sleeping") {
      events.push({
        eventId: newEventId(),
        type: "run.status_changed",
        time: iso(at + 100),
        status,
        wait: { kind: "sleep", stepId: "wait", until: iso(at + DAY) },
      });
    } else if (status === "waiting_on_hook") {
      events.push({
        eventId: newEventId(),
        type: "run.status_changed",
        time: iso(at + 100),
        status,
        wait: { kind: "hook", stepId: "approve" },
      });
    }
  }
}
