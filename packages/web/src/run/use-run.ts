/**
 * One run for the detail panel: its detail, the first page of its conversation and its steps,
 * further conversation pages on demand, and its live events (replayed from the run's last
 * sequence number, so nothing falls between the load and the stream). Live events trigger a refresh
 * of the run; refreshes can overlap and answer out of order, so a reply older than what is shown
 * (a lower lastSeq) is dropped rather than putting a finished run back to "Running".
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { getJson, isAbort, type RunDetail, type RunViewReply, type StoredMessage, type StoredStep } from "../api/api";

const FIRST_MESSAGES = 100;
const MORE_MESSAGES = 500;

/** Event types whose arrival changes what the panel shows. */
const liveTypes = [
  "run.started",
  "run.status_changed",
  "run.finished",
  "run.child_added",
  "run.renamed",
  "run.absorbed",
  "run.moved",
  "message.added",
  "message.part_added",
  "model.called",
  "service.used",
  "step.started",
  "step.finished",
] as const;

export interface RunState {
  run: RunDetail | undefined;
  messages: StoredMessage[];
  hasMoreMessages: boolean;
  steps: StoredStep[];
  error: unknown;
  loadMoreMessages(): void;
  /** Reads the run (and a workflow's steps) again, as a live event does. */
  refresh(): void;
}

type LiveEvent =
  | { type: "message.added"; seq: number; time: string; message: Omit<StoredMessage, "runId" | "index" | "time"> }
  | { type: "message.part_added"; seq: number; messageId: string; part: StoredMessage["parts"][number] }
  | { type: string; seq: number };

export function useRun(runId: string): RunState {
  const [run, setRun] = useState<RunDetail | undefined>(undefined);
  const [messages, setMessages] = useState<StoredMessage[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [steps, setSteps] = useState<StoredStep[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const fetchingMore = useRef(false);
  const refreshRef = useRef<() => void>(() => {});
  const cursorRef = useRef(cursor);
  cursorRef.current = cursor;

  useEffect(() => {
    const abort = new AbortController();
    let source: EventSource | undefined;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    const base = `/api/history/${encodeURIComponent(runId)}`;
    let shown: RunDetail | undefined;
    const show = (view: RunViewReply) => {
      if (shown !== undefined && view.run.lastSeq < shown.lastSeq) return;
      shown = view.run;
      setRun(view.run);
      if (view.steps !== undefined) setSteps(view.steps.items);
    };
    const refresh = () => {
      refreshTimer = undefined;
      const query = shown?.kind === "workflow" ? "?include=steps&stepsLimit=1000" : "";
      getJson<RunViewReply>(`${base}${query}`, abort.signal)
        .then(show)
        .catch((e: unknown) => isAbort(e) || setError(e));
    };
    const onEvent = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as LiveEvent;
      if (event.type === "message.added" && "message" in event) {
        setMessages((list) =>
          withLiveMessage(list, cursorRef.current === null, { ...event.message, time: event.time }, runId),
        );
      } else if (event.type === "message.part_added" && "part" in event) {
        setMessages((list) =>
          list.map((m) => (m.id === event.messageId ? { ...m, parts: [...m.parts, event.part] } : m)),
        );
      }
      refreshTimer ??= setTimeout(refresh, 150);
    };
    refreshRef.current = () => {
      clearTimeout(refreshTimer);
      refresh();
    };
    getJson<RunViewReply>(
      `${base}?include=messages,steps&messagesLimit=${FIRST_MESSAGES}&stepsLimit=1000`,
      abort.signal,
    )
      .then((view) => {
        show(view);
        setMessages(view.messages?.items ?? []);
        setCursor(view.messages?.nextCursor ?? null);
        source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events?after=${view.run.lastSeq}`);
        for (const type of liveTypes) source.addEventListener(type, onEvent);
      })
      .catch((e: unknown) => isAbort(e) || setError(e));
    return () => {
      refreshRef.current = () => {};
      abort.abort();
      source?.close();
      clearTimeout(refreshTimer);
    };
  }, [runId]);

  const loadMoreMessages = useCallback(() => {
    if (cursor === null || fetchingMore.current) return;
    fetchingMore.current = true;
    const url = `/api/history/${encodeURIComponent(runId)}?include=messages&messagesLimit=${MORE_MESSAGES}&messagesCursor=${encodeURIComponent(cursor)}`;
    getJson<RunViewReply>(url)
      .then((view) => {
        setMessages((list) => [...list, ...(view.messages?.items ?? [])]);
        setCursor(view.messages?.nextCursor ?? null);
      })
      .catch(setError)
      .finally(() => {
        fetchingMore.current = false;
      });
  }, [cursor, runId]);

  const refresh = useCallback(() => refreshRef.current(), []);

  return { run, messages, hasMoreMessages: cursor !== null, steps, error, loadMoreMessages, refresh };
}

/**
 * The conversation with a message that just came live, in its place: conversations read in the
 * time each message was said (an earlier turn delivered late goes before later ones), then in the
 * order they came. While later pages are still to load (`whole` false), a message is added only
 * when it falls among those shown; the pages bring the rest.
 */
export function withLiveMessage(
  list: StoredMessage[],
  whole: boolean,
  message: Omit<StoredMessage, "runId" | "index">,
  runId: string,
): StoredMessage[] {
  if (list.some((m) => m.id === message.id)) return list;
  let at = list.length;
  while (at > 0 && (list[at - 1] as StoredMessage).time > message.time) at--;
  if (at === list.length && !whole) return list;
  const index = list.reduce((n, m) => Math.max(n, m.index + 1), 0);
  return [...list.slice(0, at), { ...message, runId, index }, ...list.slice(at)];
}
