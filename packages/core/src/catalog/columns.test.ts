import { describe, expect, it } from "vitest";
import { parseIngestBatch } from "../events/parse-batch.js";
import { reduceRun } from "../runs/reduce.js";
import { defaultHistoryColumns, historyColumnIds, historyColumns } from "./columns.js";

describe("History column catalog", () => {
  it("lists every column once, each with a label and a description, the defaults first", () => {
    const ids = historyColumns.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...historyColumnIds]);
    expect(new Set(historyColumns.map((c) => c.label)).size).toBe(ids.length);
    for (const column of historyColumns) expect(column.description.trim()).not.toBe("");
    const firstOptional = historyColumns.findIndex((c) => !c.defaultVisible);
    expect(historyColumns.slice(firstOptional).every((c) => !c.defaultVisible)).toBe(true);
    expect([...defaultHistoryColumns]).toEqual(historyColumns.slice(0, firstOptional).map((c) => c.id));
  });

  it("sorts only by a time column, which the list's keyset cursor orders by", () => {
    const sortable = historyColumns.filter((c) => c.sortable);
    expect(sortable.length).toBeGreaterThan(0);
    for (const column of sortable) expect(column.id.endsWith("At")).toBe(true);
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
