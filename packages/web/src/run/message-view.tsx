/**
 * One message of a conversation: its text, and for the assistant the collapsed details —
 * Thought, Tool call (name, arguments, result or error; a subagent call links to its run).
 */
import type { StoredMessage } from "../api/api";
import { formatTime } from "../format/format";
import { Detail, type Disclosure } from "./detail";
import { ErrorView } from "./error-view";
import { JsonBlock } from "./json-block";
import "./message-view.css";

type Part = StoredMessage["parts"][number];
export type ToolResult = Extract<Part, { type: "tool_result" }>;

interface MessageViewProps {
  message: StoredMessage;
  results: ReadonlyMap<string, ToolResult>;
  disclosure: Disclosure;
  onOpenRun(runId: string): void;
}

export function MessageView({ message, results, disclosure, onOpenRun }: MessageViewProps) {
  const key = (i: number) => `${message.index}:${i}`;
  const parts = message.parts.map((part: Part, i: number) => {
    switch (part.type) {
      case "text":
        return (
          <div key={key(i)} className="text">
            {part.text}
          </div>
        );
      case "thought":
        return (
          <Detail key={key(i)} id={key(i)} title="Thought" tone="thought" disclosure={disclosure}>
            <div className="text muted">{part.text}</div>
          </Detail>
        );
      case "tool_call": {
        const result = results.get(part.id);
        const state = result === undefined ? "pending" : result.error ? "error" : "ok";
        return (
          <Detail
            key={key(i)}
            id={key(i)}
            tone={state === "error" ? "danger" : "tool"}
            disclosure={disclosure}
            title={
              <>
                Tool call <code>{part.name}</code>
                <span className={`tool-state tool-${state}`}>
                  {state === "ok" ? "✓ result" : state === "error" ? "✕ error" : "… running"}
                </span>
              </>
            }
          >
            {part.childRunId && (
              <button type="button" className="link" onClick={() => onOpenRun(part.childRunId as string)}>
                Open subagent run →
              </button>
            )}
            <h4>Arguments</h4>
            <JsonBlock value={part.arguments} />
            {result?.error && (
              <>
                <h4>Error</h4>
                <ErrorView error={result.error} />
              </>
            )}
            {result && !result.error && (
              <>
                <h4>Result</h4>
                <JsonBlock value={result.result} />
              </>
            )}
          </Detail>
        );
      }
      case "tool_result":
        return results.get(part.id) === part ? null : (
          <Detail
            key={key(i)}
            id={key(i)}
            title={<>Tool result {part.name && <code>{part.name}</code>}</>}
            disclosure={disclosure}
          >
            {part.error ? <ErrorView error={part.error} /> : <JsonBlock value={part.result} />}
          </Detail>
        );
      default:
        return null;
    }
  });
  if (message.parts.every((p) => p.type === "tool_result" && results.get(p.id) === p)) return null;
  return (
    <article className={`message message-${message.role}`} data-role={message.role}>
      <header>
        <span className="role">
          {message.role === "user" ? "User" : message.role === "assistant" ? "Assistant" : "System"}
        </span>
        <time className="muted small">{formatTime(message.time)}</time>
      </header>
      {parts}
    </article>
  );
}
