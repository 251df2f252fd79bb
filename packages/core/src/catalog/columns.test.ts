import { describe, expect, it } from "vitest";
import { parseIngestBatch } from "../events/parse-batch.js";
import { reduceRun } from "../runs/reduce.js";
import { defaultHistoryColumns, historyColumnIds, historyColumns } from "./columns.js";

describe("History column catalog", () => {
  it("shows the product's default columns, in order: name, type, start time, actor, status, trigger, duration, project", () => {
    expect([...defaultHistoryColumns]).toEqual([
      "name",
      "kind",
      "startedAt",
      "actor",
      "status",
      "trigger",
      "durationMs",
      "project",
    ]);
    expect(historyColumns.filter((c) => c.defaultVisible).map((c) => c.label)).toEqual([
      "Name",
      "Type",
      "Start time",
      "Actor",
      "Status",
      "Trigger",
      "Duration",
      "Project",
    ]);
  });

  it("offers the product's optional columns, hidden by default", () => {
    const optional = historyColumns.filter((c) => !c.defaultVisible);
    expect(optional.map((c) => c.id)).toEqual([
      "runId",
      "queuedAt",
      "finishedAt",
      "models",
      "services",
      "totalCost",
      "messageCount",
      "stepCount",
      "triggerValue",
    ]);
    expect(optional.map((c) => c.label)).toEqual([
      "Run ID",
      "Queue time",
      "Finish time",
      "Models",
      "Services",
      "Total cost",
      "Messages",
      "Steps",
      "Raw trigger",
    ]);
  });

  it("lists every column id once, matching historyColumnIds", () => {
    const ids = historyColumns.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...historyColumnIds]);
    for (const column of historyColumns) expect(column.description.length).toBeGreaterThan(0);
  });

  it("sorts by start time only", () => {
    expect(historyColumns.filter((c) => c.sortable).map((c) => c.id)).toEqual(["startedAt"]);
  });

  it("names only fields a History row has", () => {
    const { runId, events } = parseIngestBatch({
      runId: "run_01HZZZZZZZZZZZZZZZZZZZZZZZ",
      events: [
        {
          eventId: "e1",
          type: "run.created",
          time: "2026-11-28T10:00:00Z",
          kind: "workflow",
          slug: "nightly",
          name: "Nightly",
          project: "demo",
          source: "trigger",
          trigger: { label: "Schedule", value: "0 3 * * *" },
          actor: { type: "trigger", id: "cron:nightly" },
        },
      ],
    });
    const [event] = events;
    if (event === undefined) throw new Error("no event");
    const row = reduceRun(undefined, { ...event, runId, seq: 1 });
    for (const id of historyColumnIds) expect(Object.hasOwn(row, id)).toBe(true);
  });
});
