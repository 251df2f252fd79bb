import type { RunViewReply } from "@keystroke/core";
import type { Page, RunView } from "@keystroke/store";
import type { RunViewPart } from "./run-view-query.js";

export type { RunViewReply } from "@keystroke/core";

const emptyPage = <T>(): Page<T> => ({ items: [], nextCursor: null });

/**
 * Shapes a store view as the API answers it, with exactly the parts that were asked for.
 *
 * @example
 * toRunViewReply(view, new Set(["trace"])); // { run, trace: { spans, logs } }
 */
export function toRunViewReply(view: RunView, parts: ReadonlySet<RunViewPart>): RunViewReply {
  const reply: RunViewReply = { run: view.run };
  if (parts.has("messages")) reply.messages = view.messages ?? emptyPage();
  if (parts.has("trace")) reply.trace = { spans: view.spans ?? emptyPage(), logs: view.logs ?? emptyPage() };
  if (parts.has("steps")) reply.steps = view.steps ?? emptyPage();
  return reply;
}
