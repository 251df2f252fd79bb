import { describe, expect, it } from "vitest";
import { parseIngestBatch } from "../events/parse-batch.js";
import { reduceRun } from "../runs/reduce.js";
import { type RunDetail, runDetailSchema, runSummarySchema } from "./run-summary.js";

const RUN = "run_01HZZZZZZZZZZZZZZZZZZZZZZZ";

/** Folds wire events the way the store does, into the detail the API answers with. */
function fold(events: Record<string, unknown>[]): RunDetail {
  const batch = parseIngestBatch({ runId: RUN, events: events.map((e, i) => ({ eventId: `evt_${i + 1}`, ...e })) });
  let run: RunDetail | undefined;
  for (const [i, event] of batch.events.entries()) run = reduceRun(run, { ...event, runId: RUN, seq: i + 1 });
  if (run === undefined) throw new Error("no events folded");
  return run;
}

const created = {
  type: "run.created",
  time: "2026-11-28T10:00:00.000Z",
  kind: "workflow",
  slug: "refund-review",
  name: "Refund review",
  project: "demo",
  source: "api",
  trigger: { label: "API", value: null },
  actor: { type: "system", id: "api" },
};

describe("runDetailSchema", () => {
  it("reads exactly what the reducer folds: a sleeping run with its wait", () => {
    const run = fold([
      created,
      { type: "run.started", time: "2026-11-28T10:00:01.000Z" },
      {
        type: "run.status_changed",
        time: "2026-11-28T10:00:02.000Z",
        status: "sleeping",
        wait: { kind: "sleep", stepId: "sleep#1", until: "2026-11-28T10:05:00.000Z" },
      },
    ]);
    expect(runDetailSchema.parse(run)).toEqual(run);
  });

  it("reads a failed run with its error", () => {
    const run = fold([
      created,
      { type: "run.finished", time: "2026-11-28T10:00:03.000Z", status: "failed", error: { message: "boom" } },
    ]);
    expect(runDetailSchema.parse(run)).toEqual(run);
  });

  it("drops what it does not describe, so a reply compared with its parse shows an unknown field", () => {
    const run = fold([created]);
    expect(runSummarySchema.parse({ ...run, extra: 1 })).not.toHaveProperty("extra");
  });
});
