import type { RunViewReply } from "@keystroke/core";
import type { Page, StoredRunView } from "@keystroke/store";
import type { RunViewPart } from "./run-view-query.js";

export type { RunViewReply } from "@keystroke/core";

const emptyPage = <T>(): Page<T> => ({ items: [], nextCursor: null });

/**
 * Shapes a store view as the API answers it, with exactly the parts that were asked for. A run
 * waiting on a hook gets its `resumeUrl`, signed by the server (`resumeUrl`), never stored.
 *
 * @example
 * toRunViewReply(view, new Set(["trace"])); // { run, trace: { spans, logs } }
 */
export function toRunViewReply(
  view: StoredRunView,
  parts: ReadonlySet<RunViewPart>,
  resumeUrl?: (runId: string, stepId: string) => string,
): RunViewReply {
  const { run } = view;
  const wait =
    run.wait?.kind === "hook" && resumeUrl
      ? { ...run.wait, resumeUrl: resumeUrl(run.runId, run.wait.stepId) }
      : run.wait;
  const reply: RunViewReply = { run: wait === run.wait ? run : { ...run, wait } };
  if (parts.has("messages")) reply.messages = view.messages ?? emptyPage();
  if (parts.has("trace")) reply.trace = { spans: view.spans ?? emptyPage(), logs: view.logs ?? emptyPage() };
  if (parts.has("steps")) reply.steps = view.steps ?? emptyPage();
  return reply;
}
