import { type RunEventInput, runEventSchema, type StoredEvent } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import { workflowProgress } from "./workflow-progress.js";

let seq = 0;
const at = (ms: number) => new Date(Date.UTC(2026, 10, 28, 10, 0, 0, ms)).toISOString();
type WithoutEventId<E> = E extends unknown ? Omit<E, "eventId"> : never;
function stored(event: WithoutEventId<RunEventInput>): StoredEvent {
  seq += 1;
  return { ...runEventSchema.parse({ eventId: `e${seq}`, ...event }), runId: "run_1", seq };
}

describe("workflowProgress", () => {
  it("says what the run does and prints a line per finished step, with the attempt after a retry", () => {
    const describeEvent = workflowProgress("fulfil-order");
    const shown = [
      stored({ type: "run.started", time: at(0) }),
      stored({ type: "step.started", time: at(10), stepId: "s1", name: "charge-card", kind: "action" }),
      stored({
        type: "step.finished",
        time: at(90),
        stepId: "s1",
        status: "failed",
        error: { name: "CardError", message: "card declined" },
      }),
      stored({ type: "step.started", time: at(100), stepId: "s1", name: "charge-card", kind: "action", attempt: 2 }),
      stored({ type: "step.finished", time: at(1300), stepId: "s1", status: "success", attempt: 2 }),
      stored({ type: "step.started", time: at(1310), stepId: "s2", name: "pack" }),
      stored({ type: "step.finished", time: at(1320), stepId: "s2", status: "success" }),
      stored({
        type: "run.status_changed",
        time: at(1400),
        status: "waiting_on_hook",
        wait: { kind: "hook", stepId: "approval", expiresAt: null },
      }),
    ].map(describeEvent);
    expect(shown).toEqual([
      { activity: "fulfil-order: running…" },
      { activity: "fulfil-order: charge-card (action)…" },
      { finished: "charge-card  (action)  Failed  80ms: card declined", activity: "fulfil-order: running…" },
      { activity: "fulfil-order: charge-card (action), attempt 2…" },
      { finished: "charge-card  (action)  Success  1.2s  attempt 2", activity: "fulfil-order: running…" },
      { activity: "fulfil-order: pack…" },
      { finished: "pack  Success  10ms", activity: "fulfil-order: running…" },
      { activity: "fulfil-order: Waiting on hook approval" },
    ]);
  });
});
