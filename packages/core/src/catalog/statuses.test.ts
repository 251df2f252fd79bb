import { describe, expect, it } from "vitest";
import { activeStatuses, finishedStatuses, isActiveStatus, runStatuses, statusCatalog } from "./statuses.js";

describe("status catalog", () => {
  it("has exactly the seven statuses, in lifecycle order", () => {
    expect([...runStatuses]).toEqual([
      "queued",
      "running",
      "sleeping",
      "waiting_on_hook",
      "success",
      "failed",
      "canceled",
    ]);
    expect(Object.keys(statusCatalog).sort()).toEqual([...runStatuses].sort());
  });

  it("labels each status as the product does", () => {
    expect(Object.fromEntries(runStatuses.map((s) => [s, statusCatalog[s].label]))).toEqual({
      queued: "Queued",
      running: "Running",
      sleeping: "Sleeping",
      waiting_on_hook: "Waiting on hook",
      success: "Success",
      failed: "Failed",
      canceled: "Canceled",
    });
  });

  it("describes each status and names itself as its value", () => {
    for (const status of runStatuses) {
      expect(statusCatalog[status].value).toBe(status);
      expect(statusCatalog[status].description.length).toBeGreaterThan(0);
    }
  });

  it("describes each status the way the product explains it", () => {
    expect(statusCatalog.queued.description).toMatch(/waiting to start/i);
    expect(statusCatalog.sleeping.description).toMatch(/wakes/i);
    expect(statusCatalog.waiting_on_hook.description).toMatch(/hook/i);
    expect(statusCatalog.failed.description).toMatch(/error/i);
    expect(statusCatalog.canceled.description).toMatch(/canceled/i);
  });

  it("treats queued, running, sleeping and waiting on hook as active", () => {
    expect([...activeStatuses]).toEqual(["queued", "running", "sleeping", "waiting_on_hook"]);
    expect([...finishedStatuses]).toEqual(["success", "failed", "canceled"]);
    for (const status of runStatuses) {
      expect(isActiveStatus(status)).toBe(activeStatuses.includes(status));
    }
  });

  it("gives success and failure distinct tones", () => {
    expect(statusCatalog.success.tone).toBe("success");
    expect(statusCatalog.failed.tone).toBe("danger");
    expect(statusCatalog.failed.tone).not.toBe(statusCatalog.canceled.tone);
  });
});
