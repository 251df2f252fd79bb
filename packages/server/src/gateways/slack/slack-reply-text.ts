/**
 * What the gateway posts back to the thread once a turn has ended: the agent's answer, split to
 * fit Slack's message size; or, for a failed or canceled session, one short line with the run id,
 * so whoever reads the thread can find the run in History.
 */
import type { PromptResult } from "keystroke/agent";
import { SLACK_MESSAGE_LIMIT, splitSlackText } from "./split-slack-text.js";

const ERROR_CHARS = 300;

function shorten(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The text of the turn's last assistant message that has any. */
function answerOf(result: PromptResult): string {
  for (let i = result.messages.length - 1; i >= 0; i--) {
    const message = result.messages[i];
    if (message?.role !== "assistant") continue;
    const text = message.parts
      .map((part) => (part.type === "text" ? part.text : ""))
      .filter(Boolean)
      .join("\n\n");
    if (text.trim()) return text;
  }
  return "";
}

/**
 * The messages to post for `result`.
 *
 * @example
 * slackReplyTexts({ status: "failed", runId: "run_01…", error: { message: "HTTP 503" }, … });
 * // [":warning: Sorry, something went wrong: HTTP 503 (run run_01…)"]
 */
export function slackReplyTexts(result: PromptResult, limit = SLACK_MESSAGE_LIMIT): string[] {
  if (result.status === "failed") {
    const why = result.error?.message ? `: ${shorten(result.error.message, ERROR_CHARS)}` : "";
    return [`:warning: Sorry, something went wrong${why} (run ${result.runId})`];
  }
  if (result.status === "canceled") return [`The answer was canceled before it was done (run ${result.runId})`];
  const answer = splitSlackText(answerOf(result), limit);
  return answer.length ? answer : [`The agent finished without a written answer (run ${result.runId})`];
}

/**
 * The message to post when a prompt could not even start (the agent is gone after a reload, say).
 *
 * @example
 * slackStartFailureText(new Error('No agent "support"')); // ":warning: Sorry, I could not start: …"
 */
export function slackStartFailureText(error: unknown): string {
  return `:warning: Sorry, I could not start: ${shorten(error instanceof Error ? error.message : String(error), ERROR_CHARS)}`;
}
