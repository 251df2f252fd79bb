/**
 * Reads a run with every page of the parts asked for. The API pages messages, spans, logs and
 * steps separately (each with its own cursor), so this asks again, with the cursors still open,
 * until every list is complete. Spans and logs come together under `include=trace`: once one of
 * them is complete it is asked for with limit 1, and that page is ignored.
 */
import { KeystrokeError, type RunDetail, type Span } from "@keystroke/core";
import type {
  Page,
  PageRequest,
  RunInclude,
  RunViewReply,
  StoredLog,
  StoredMessage,
  StoredStep,
} from "keystroke/client";

/** The parts `--include` can add to a run. */
export const detailParts = ["messages", "trace", "steps"] as const;
/** One of detailParts. */
export type DetailPart = (typeof detailParts)[number];

/** The run detail with the complete lists of the parts asked for. */
export type FullRun = RunDetail & {
  messages?: StoredMessage[];
  trace?: { spans: Span[]; logs: StoredLog[] };
  steps?: StoredStep[];
};

/** Reads one page of a run (getRun or getSession). */
export type LoadRunView = (include: RunInclude) => Promise<RunViewReply>;

/** How many items each list holds so far; reported after each page. */
export type ReadProgress = (counts: Partial<Record<"messages" | "spans" | "logs" | "steps", number>>) => void;

const PAGE_SIZE = 1000;

class PagedList<T> {
  readonly items: T[] = [];
  private cursor: string | undefined;
  done = false;

  constructor(private readonly name: string) {}

  request(): PageRequest {
    return this.done ? { limit: 1 } : { cursor: this.cursor, limit: PAGE_SIZE };
  }

  take(page: Page<T> | undefined): void {
    if (this.done) return;
    this.items.push(...(page?.items ?? []));
    const next = page?.nextCursor ?? null;
    if (next !== null && next === this.cursor) {
      throw new KeystrokeError("internal", `The server returned the same ${this.name} cursor twice`, {
        details: { cursor: next },
      });
    }
    this.cursor = next ?? undefined;
    this.done = next === null;
  }
}

/**
 * @example
 * const run = await readFullRun((include) => client.getRun(runId, include), ["messages", "trace"]);
 * run.messages?.length; run.trace?.spans.length;
 */
export async function readFullRun(
  load: LoadRunView,
  parts: readonly DetailPart[],
  onProgress: ReadProgress = () => {},
): Promise<FullRun> {
  const messages = parts.includes("messages") ? new PagedList<StoredMessage>("messages") : undefined;
  const trace = parts.includes("trace")
    ? { spans: new PagedList<Span>("spans"), logs: new PagedList<StoredLog>("logs") }
    : undefined;
  const steps = parts.includes("steps") ? new PagedList<StoredStep>("steps") : undefined;
  const lists: PagedList<unknown>[] = [messages, trace?.spans, trace?.logs, steps].filter((l) => l !== undefined);
  const readPage = async (): Promise<RunDetail> => {
    const include: RunInclude = {};
    if (messages && !messages.done) include.messages = messages.request();
    if (trace && !(trace.spans.done && trace.logs.done)) {
      include.trace = { spans: trace.spans.request(), logs: trace.logs.request() };
    }
    if (steps && !steps.done) include.steps = steps.request();
    const view = await load(include);
    if (include.messages) messages?.take(view.messages);
    if (include.trace) {
      trace?.spans.take(view.trace?.spans);
      trace?.logs.take(view.trace?.logs);
    }
    if (include.steps) steps?.take(view.steps);
    onProgress({
      messages: messages?.items.length,
      spans: trace?.spans.items.length,
      logs: trace?.logs.items.length,
      steps: steps?.items.length,
    });
    return view.run;
  };
  const run = await readPage();
  while (lists.some((list) => !list.done)) await readPage();
  const full: FullRun = { ...run };
  if (messages) full.messages = messages.items;
  if (trace) full.trace = { spans: trace.spans.items, logs: trace.logs.items };
  if (steps) full.steps = steps.items;
  return full;
}
