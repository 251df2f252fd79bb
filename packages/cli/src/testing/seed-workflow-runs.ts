/**
 * Workflow runs for CLI tests, sent through POST /api/ingest the way the workflow executor
 * records them: steps of several kinds with attempts (a step that failed once and passed on its
 * retry), a child agent run, a run that failed after its retries, a run sleeping until a time, a
 * run waiting on a hook, and a run of another workflow.
 */
import type { RunEventInput } from "@keystroke/core";
import { newEventId, newRunId } from "@keystroke/core/ids";
import type { KeystrokeClient } from "keystroke/client";

/** The slug every seeded run but `other` belongs to. */
export const fulfilOrder = { slug: "fulfil-order", name: "Fulfil order" };

export interface SeededWorkflowRuns {
  /** success after three steps; `charge-card` passed on attempt 2; output `{ shipped: true, trackingId }`. */
  succeeded: string;
  /** failed: `charge-card` failed on its third attempt. */
  failed: string;
  /** sleeping in step `wait-for-stock` until `sleepUntil`. */
  sleeping: string;
  /** waiting on hook step `approval`, which expires at `hookExpiresAt`. */
  waiting: string;
  /** a run of workflow `nightly-report`, success. */
  other: string;
  /** The agent run step `notify-customer` of `succeeded` started. */
  childRunId: string;
  sleepUntil: string;
  hookExpiresAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

type WithoutEventId<E> = E extends unknown ? Omit<E, "eventId"> : never;

class WorkflowRecorder {
  readonly events: RunEventInput[] = [];
  constructor(private time: number) {}

  at(offsetMs: number): string {
    this.time += offsetMs;
    return iso(this.time);
  }

  add(event: WithoutEventId<RunEventInput>): this {
    this.events.push({ eventId: newEventId(), ...event } as RunEventInput);
    return this;
  }

  created(workflow: { slug: string; name: string }, input: unknown): this {
    return this.add({
      type: "run.created",
      time: this.at(0),
      kind: "workflow",
      slug: workflow.slug,
      name: workflow.name,
      project: "acme",
      source: "api",
      trigger: { label: "API", value: `POST /api/workflows/${workflow.slug}/runs` },
      actor: { type: "api_key", id: "key_ci", name: "CI key" },
      status: "queued",
      input,
    }).add({ type: "run.started", time: this.at(30) });
  }

  /** One attempt of a step: started, then finished after `ms` (unless `status` is "running"). */
  step(
    stepId: string,
    kind: "step" | "action" | "agent" | "sleep" | "hook",
    ms: number,
    status: "success" | "failed" | "running",
    extra: { attempt?: number; output?: unknown; error?: { name: string; message: string }; childRunId?: string } = {},
  ): this {
    const attempt = extra.attempt ?? 1;
    this.add({
      type: "step.started",
      time: this.at(5),
      stepId,
      name: stepId,
      kind,
      attempt,
      input: { orderId: "A-1001" },
      childRunId: extra.childRunId,
    });
    if (status === "running") return this;
    return this.add({
      type: "step.finished",
      time: this.at(ms),
      stepId,
      status,
      attempt,
      output: extra.output,
      error: extra.error,
    });
  }
}

const declined = { name: "CardError", message: "card declined" };

/** Ingests the workflow runs and returns their ids. */
export async function seedWorkflowRuns(client: KeystrokeClient, now = Date.now()): Promise<SeededWorkflowRuns> {
  const minutes = (n: number) => now - n * 60_000;
  const childRunId = newRunId(minutes(40) + 500);
  const sleepUntil = iso(now + 60 * 60_000);
  const hookExpiresAt = iso(now + 24 * 60 * 60_000);
  const input = { orderId: "A-1001" };

  const succeeded = new WorkflowRecorder(minutes(40))
    .created(fulfilOrder, input)
    .step("lookup-order", "action", 120, "success", { output: { status: "paid" } })
    .step("charge-card", "action", 80, "failed", { error: declined })
    .step("charge-card", "action", 90, "success", { attempt: 2, output: { chargeId: "ch_1" } })
    .step("notify-customer", "agent", 400, "success", { childRunId, output: { text: "Sent" } });
  succeeded.add({
    type: "run.finished",
    time: succeeded.at(10),
    status: "success",
    output: { shipped: true, trackingId: "TRK-1" },
  });

  const failed = new WorkflowRecorder(minutes(30))
    .created(fulfilOrder, input)
    .step("lookup-order", "action", 100, "success", { output: { status: "paid" } })
    .step("charge-card", "action", 50, "failed", { error: declined })
    .step("charge-card", "action", 50, "failed", { attempt: 2, error: declined })
    .step("charge-card", "action", 50, "failed", { attempt: 3, error: declined });
  failed.add({ type: "run.finished", time: failed.at(5), status: "failed", error: declined });

  const sleeping = new WorkflowRecorder(minutes(20))
    .created(fulfilOrder, input)
    .step("lookup-order", "action", 100, "success", { output: { status: "backordered" } })
    .step("wait-for-stock", "sleep", 0, "running");
  sleeping.add({
    type: "run.status_changed",
    time: sleeping.at(1),
    status: "sleeping",
    wait: { kind: "sleep", stepId: "wait-for-stock", until: sleepUntil },
  });

  const waiting = new WorkflowRecorder(minutes(10))
    .created(fulfilOrder, input)
    .step("lookup-order", "action", 100, "success", { output: { status: "paid" } })
    .step("approval", "hook", 0, "running");
  waiting.add({
    type: "run.status_changed",
    time: waiting.at(1),
    status: "waiting_on_hook",
    wait: { kind: "hook", stepId: "approval", expiresAt: hookExpiresAt },
  });

  const other = new WorkflowRecorder(minutes(5)).created({ slug: "nightly-report", name: "Nightly report" }, {});
  other.step("collect", "step", 200, "success", { output: { rows: 3 } });
  other.add({ type: "run.finished", time: other.at(5), status: "success", output: { rows: 3 } });

  const runs = {
    succeeded: newRunId(minutes(40)),
    failed: newRunId(minutes(30)),
    sleeping: newRunId(minutes(20)),
    waiting: newRunId(minutes(10)),
    other: newRunId(minutes(5)),
  };
  const recorded = { succeeded, failed, sleeping, waiting, other };
  for (const [name, runId] of Object.entries(runs)) {
    await client.ingest({ runId, events: recorded[name as keyof typeof runs].events });
  }
  return { ...runs, childRunId, sleepUntil, hookExpiresAt };
}
