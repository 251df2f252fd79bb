/**
 * `agents sessions get --summary`: the few facts a person checks first about a session, with
 * the last thing the assistant said.
 */
import type { RunStatus } from "@keystroke/core";
import type { StoredMessage } from "keystroke/client";
import type { FullRun } from "./read-full-run.js";

/** What `--summary` prints. */
export interface SessionSummary {
  runId: string;
  sessionId: string | null;
  agent: string;
  status: RunStatus;
  startedAt: string | null;
  durationMs: number | null;
  messageCount: number;
  totalCost: number;
  models: string[];
  /** The text of the last assistant message that has text. */
  lastAssistantText: string | null;
  /** First line of the session's error, when it failed. */
  error: string | null;
}

/**
 * @example
 * summarizeSession(await readFullRun(load, ["messages"]));
 */
export function summarizeSession(run: FullRun): SessionSummary {
  return {
    runId: run.runId,
    sessionId: run.sessionId,
    agent: run.slug,
    status: run.status,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    messageCount: run.messageCount,
    totalCost: run.totalCost,
    models: run.models,
    lastAssistantText: lastAssistantText(run.messages ?? []),
    error: run.errorSummary ?? run.error?.message ?? null,
  };
}

function lastAssistantText(messages: readonly StoredMessage[]): string | null {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== "assistant") continue;
    const text = message.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("\n");
    if (text !== "") return text;
  }
  return null;
}
