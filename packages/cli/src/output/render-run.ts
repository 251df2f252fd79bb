/**
 * A run on a terminal, in the order of the web detail panel: the metadata (every History column),
 * the error, then the conversation, the trace and the steps when they were asked for.
 */
import { historyColumns, type MessagePart, type RunDetail } from "@keystroke/core";
import type { StoredMessage } from "keystroke/client";
import type { FullRun } from "../runs/read-full-run.js";
import type { SessionSummary } from "../runs/session-summary.js";
import { formatCost, formatDuration, formatTime, statusLabel } from "./format-values.js";
import { historyCells } from "./history-cells.js";
import { renderFields } from "./render-table.js";

/** How many spans, logs or steps a terminal lists before pointing at --json. */
const SHOWN = 20;

/** `keystroke history get` and `agents sessions get` on a terminal. */
export function renderRun(run: FullRun): string {
  const sections = [renderFields(metadata(run))];
  if (run.error) sections.push(`Error\n${indent(run.error.stack ?? run.error.message)}`);
  if (run.messages) sections.push(renderConversation(run.messages));
  if (run.trace) {
    const { spans, logs } = run.trace;
    const spanLines = spans.map((s) => `${s.name}  ${s.status.code}  ${formatTime(s.startTime)}`);
    const logLines = logs.map((l) => `${formatTime(l.time)}  ${l.level.toUpperCase()}  ${l.message}`);
    sections.push(
      `Trace: ${spans.length} spans, ${logs.length} logs\n${[...capped(spanLines), ...capped(logLines)].map(indent).join("\n")}`,
    );
  }
  if (run.steps) {
    const lines = run.steps.map((s) => `${s.name}  ${s.status}  ${formatTime(s.startedAt)}`);
    sections.push(`Steps: ${run.steps.length}\n${capped(lines).map(indent).join("\n")}`);
  }
  return sections.join("\n\n");
}

/** `agents sessions get --summary` on a terminal. */
export function renderSessionSummary(summary: SessionSummary): string {
  return renderFields([
    ["Agent", summary.agent],
    ["Session", summary.sessionId ?? "—"],
    ["Run ID", summary.runId],
    ["Status", statusLabel(summary.status)],
    ["Start time", formatTime(summary.startedAt)],
    ["Duration", formatDuration(summary.durationMs)],
    ["Messages", String(summary.messageCount)],
    ["Total cost", formatCost(summary.totalCost)],
    ["Models", summary.models.join(", ") || "—"],
    ["Last reply", summary.lastAssistantText ?? "—"],
    ["Error", summary.error ?? "—"],
  ]);
}

function metadata(run: RunDetail): [string, string][] {
  const fields: [string, string][] = historyColumns.map((c) => [c.label, historyCells[c.id](run)]);
  if (run.sessionId !== null) fields.push(["Session", run.sessionId]);
  if (run.parentRunId !== null) fields.push(["Parent run", run.parentRunId]);
  const t = run.tokens;
  fields.push(["Tokens", `${t.input} in, ${t.output} out, ${t.cacheRead} cache read, ${t.reasoning} reasoning`]);
  return fields;
}

/** A conversation, message by message, with thoughts and tool calls inline. */
export function renderConversation(messages: readonly Pick<StoredMessage, "role" | "parts">[]): string {
  if (messages.length === 0) return "Conversation: nothing recorded";
  const lines = messages.flatMap((m) => [
    `${m.role === "user" ? "User" : m.role === "assistant" ? "Assistant" : "System"}:`,
    ...m.parts.map(renderPart).map(indent),
  ]);
  return `Conversation: ${messages.length} messages\n${lines.map(indent).join("\n")}`;
}

function renderPart(part: MessagePart): string {
  switch (part.type) {
    case "text":
      return part.text;
    case "thought":
      return `Thought: ${part.text}`;
    case "tool_call":
      return `Tool call: ${part.name}(${JSON.stringify(part.arguments) ?? ""})`;
    case "tool_result":
      return part.error
        ? `Tool error (${part.name ?? part.id}): ${part.error.message}`
        : `Tool result (${part.name ?? part.id}): ${JSON.stringify(part.result) ?? ""}`;
  }
}

function capped(lines: readonly string[]): string[] {
  if (lines.length <= SHOWN) return [...lines];
  return [...lines.slice(0, SHOWN), `… and ${lines.length - SHOWN} more (--json prints them all)`];
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
