import { describe, expect, it } from "vitest";
import { attemptLabel, childRunLabel, previewValue, stepDuration, stepStatus } from "./step-facts";

const at = (seconds: number) => new Date(Date.parse("2026-11-28T10:00:00Z") + seconds * 1000).toISOString();

describe("how a workflow step reads on its timeline", () => {
  it("runs from start to finish, until now while it runs, or until its run ended without it", () => {
    const active = { finishedAt: null };
    const now = Date.parse(at(60));
    expect(stepDuration({ startedAt: at(0), finishedAt: at(1.5) }, active, now)).toBe(1500);
    expect(stepDuration({ startedAt: at(0), finishedAt: null }, active, Date.parse(at(4)))).toBe(4000);
    expect(stepDuration({ startedAt: at(0), finishedAt: null }, { finishedAt: at(7) }, now)).toBe(7000);
    expect(stepDuration({ startedAt: at(5), finishedAt: null }, active, Date.parse(at(4)))).toBe(0);
    expect(stepDuration({ startedAt: "garbage", finishedAt: null }, active, now)).toBeNull();
  });

  it("shows the run's Sleeping or Waiting on hook on the step it waits on, and Canceled on a step its run left", () => {
    const sleeping = { status: "sleeping", wait: { kind: "sleep", stepId: "s3", until: at(30) } } as const;
    const waiting = { status: "waiting_on_hook", wait: { kind: "hook", stepId: "s3", expiresAt: null } } as const;
    const running = { status: "running", wait: null } as const;
    expect(stepStatus({ stepId: "s3", status: "running" }, sleeping)).toBe("sleeping");
    expect(stepStatus({ stepId: "s3", status: "running" }, waiting)).toBe("waiting_on_hook");
    expect(stepStatus({ stepId: "s2", status: "running" }, sleeping)).toBe("running");
    expect(stepStatus({ stepId: "s3", status: "success" }, sleeping)).toBe("success");
    expect(stepStatus({ stepId: "s3", status: "running" }, running)).toBe("running");
    expect(stepStatus({ stepId: "s3", status: "running" }, { status: "canceled", wait: null })).toBe("canceled");
    expect(stepStatus({ stepId: "s3", status: "running" }, { status: "failed", wait: null })).toBe("canceled");
    expect(stepStatus({ stepId: "s3", status: "failed" }, { status: "failed", wait: null })).toBe("failed");
  });

  it("counts attempts only past the first", () => {
    expect(attemptLabel({ attempt: 1, status: "success" })).toBeNull();
    expect(attemptLabel({ attempt: 2, status: "success" })).toBe("2 attempts");
    expect(attemptLabel({ attempt: 3, status: "running" })).toBe("attempt 3");
  });

  it("previews an output on one line, cut to length", () => {
    expect(previewValue({ orders: 412 })).toBe('{"orders":412}');
    expect(previewValue("two\n  lines")).toBe("two lines");
    expect(previewValue(null)).toBe("");
    expect(previewValue("x".repeat(100), 10)).toBe(`${"x".repeat(9)}…`);
  });

  it("links a workflow step to a workflow run and any other to an agent run", () => {
    expect(childRunLabel("workflow")).toBe("Open workflow run →");
    expect(childRunLabel("agent")).toBe("Open agent run →");
  });
});
