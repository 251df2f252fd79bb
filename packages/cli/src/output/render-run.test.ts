import type { RunDetail } from "@keystroke/core";
import { describe, expect, it } from "vitest";
import type { FullRun } from "../runs/read-full-run.js";
import { summarizeSession } from "../runs/session-summary.js";
import { renderRun, renderSessionSummary } from "./render-run.js";
import { renderRunTable, renderSessionTable } from "./run-table.js";

const run: RunDetail = {
  runId: "run_01JDA00000000000000000000A",
  kind: "agent",
  slug: "support",
  name: "Support agent",
  status: "failed",
  project: "acme",
  sessionId: "ses_1",
  source: "cli",
  trigger: "CLI prompt",
  triggerValue: "keystroke agents prompt support",
  actor: { type: "user", id: "user_ada", name: "Ada" },
  parentRunId: null,
  parentToolCallId: null,
  parentStepId: null,
  triggeredAt: "2026-11-28T10:00:00.000Z",
  queuedAt: "2026-11-28T10:00:00.000Z",
  startedAt: "2026-11-28T10:00:00.040Z",
  finishedAt: "2026-11-28T10:00:01.240Z",
  durationMs: 1200,
  models: ["anthropic/claude-sonnet-4.6"],
  services: ["orders-api"],
  tokens: { input: 812, output: 64, cacheRead: 0, cacheWrite: 0, reasoning: 20 },
  totalCost: 0.0123,
  messageCount: 2,
  stepCount: 1,
  errorSummary: "ToolError: lookup_order timed out",
  lastSeq: 9,
  updatedAt: "2026-11-28T10:00:01.240Z",
  input: { message: "Where is my order?" },
  output: null,
  error: { name: "ToolError", message: "lookup_order timed out" },
  childRunIds: [],
  wait: null,
};

const full: FullRun = {
  ...run,
  messages: [
    {
      runId: run.runId,
      index: 0,
      time: run.triggeredAt,
      id: "m1",
      role: "user",
      parts: [{ type: "text", text: "Where is my order?" }],
    },
    {
      runId: run.runId,
      index: 1,
      time: run.triggeredAt,
      id: "m2",
      role: "assistant",
      parts: [
        { type: "thought", text: "Look it up." },
        { type: "tool_call", id: "c1", name: "lookup_order", arguments: { orderId: "1234" } },
        { type: "tool_result", id: "c1", name: "lookup_order", error: { message: "timed out" } },
        { type: "text", text: "Sorry, the order service is slow." },
      ],
    },
  ],
  trace: { spans: [], logs: [] },
};

describe("terminal renderings", () => {
  it("renders the History table with the catalog labels", () => {
    const [header, row] = renderRunTable([run], "cursor123").split("\n");
    for (const label of ["Run ID", "Name", "Type", "Start time", "Actor", "Status", "Trigger", "Duration", "Project"]) {
      expect(header).toContain(label);
    }
    expect(row).toContain("Support agent");
    expect(row).toContain("Agent");
    expect(row).toContain("Failed");
    expect(row).toContain("1.2s");
    expect(renderRunTable([run], "cursor123")).toMatch(/\n\nMore: --cursor cursor123$/);
    expect(renderRunTable([], null)).toBe("No runs match.");
  });

  it("renders the sessions table", () => {
    const table = renderSessionTable([run], null);
    expect(table.split("\n")[0]).toMatch(/^Session\s+Status\s+Start time\s+Duration\s+Messages\s+Total cost\s+Run ID$/);
    expect(table).toContain("$0.0123");
    expect(renderSessionTable([], null)).toBe("No sessions match.");
  });

  it("renders a run with its metadata, error and conversation", () => {
    const text = renderRun(full);
    expect(text).toMatch(/^Name: +Support agent$/m);
    expect(text).toMatch(/^Total cost: +\$0\.0123$/m);
    expect(text).toMatch(/^Raw trigger: +keystroke agents prompt support$/m);
    expect(text).toContain("Error\n  lookup_order timed out");
    expect(text).toContain("Conversation: 2 messages");
    expect(text).toContain('Tool call: lookup_order({"orderId":"1234"})');
    expect(text).toContain("Tool error (lookup_order): timed out");
    expect(text).toContain("Thought: Look it up.");
    expect(text).toContain("Trace: 0 spans, 0 logs");
  });

  it("renders a session summary", () => {
    const text = renderSessionSummary(summarizeSession(full));
    expect(text).toMatch(/^Status: +Failed$/m);
    expect(text).toMatch(/^Last reply: +Sorry, the order service is slow\.$/m);
    expect(text).toMatch(/^Error: +ToolError: lookup_order timed out$/m);
  });
});
