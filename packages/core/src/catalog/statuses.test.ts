import { describe, expect, it } from "vitest";
import { parseRunFilter } from "../filters/run-filter.js";
import { applyEvent, reduceRun } from "../runs/reduce.js";
import { activeStatuses, finishedStatuses, isActiveStatus, runStatuses, statusCatalog } from "./statuses.js";

const created = reduceRun(undefined, {
  type: "run.created",
  eventId: "e1",
  runId: "run_01HZZZZZZZZZZZZZZZZZZZZZZZ",
  seq: 1,
  time: "2026-11-28T10:00:00.000Z",
  kind: "workflow",
  slug: "nightly",
  name: "Nightly",
  project: "demo",
  source: "api",
  trigger: { label: "API" },
  actor: { type: "user", id: "u" },
  status: "queued",
});

describe("status catalog", () => {
  it("splits every status into exactly one of active and finished", () => {
    expect([...activeStatuses, ...finishedStatuses].sort()).toEqual([...runStatuses].sort());
    for (const status of runStatuses) expect(isActiveStatus(status)).toBe(activeStatuses.includes(status));
  });

  it("gives every status its own non-empty label and description, keyed by its value", () => {
    const labels = runStatuses.map((status) => statusCatalog[status].label);
    expect(new Set(labels).size).toBe(runStatuses.length);
    for (const status of runStatuses) {
      expect(statusCatalog[status].value).toBe(status);
      expect(statusCatalog[status].label.trim()).not.toBe("");
      expect(statusCatalog[status].description.trim()).not.toBe("");
    }
  });

  it("is what runs fold into: a finished status ends the run, an active one leaves it open", () => {
    for (const status of runStatuses) {
      const run = { ...created };
      applyEvent(run, {
        type: "run.status_changed",
        eventId: `e-${status}`,
        runId: run.runId,
        seq: 2,
        time: "2026-11-28T10:00:05.000Z",
        status,
      });
      expect(run.status).toBe(status);
      expect(run.finishedAt !== null).toBe(!isActiveStatus(status));
    }
  });

  it("is what History filters by: every status value is accepted, anything else is refused naming the parameter", () => {
    expect(parseRunFilter({ status: runStatuses.join(",") }).status).toEqual([...runStatuses]);
    expect(() => parseRunFilter({ status: "paused" })).toThrow(/status/);
  });
});
