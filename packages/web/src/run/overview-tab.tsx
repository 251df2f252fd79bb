/**
 * Overview: the summary, then the conversation (agents) or Input, steps, Output (workflows),
 * then the run's error. One virtualised list with measured rows, so a 10,000-message session
 * keeps only what is on screen in the DOM; the next page is fetched as the end comes near.
 */
import { useVirtualizer } from "@tanstack/react-virtual";
import { type ReactNode, type RefObject, useMemo, useState } from "react";
import type { StoredMessage } from "../api/api";
import { EmptyState } from "../ui/states";
import { useLoadNearEnd } from "../ui/use-load-near-end";
import type { Disclosure } from "./detail";
import { ErrorView } from "./error-view";
import { JsonBlock } from "./json-block";
import { MessageView, type ToolResult } from "./message-view";
import { RunSummaryCard } from "./run-summary-card";
import { RunWaitNotice } from "./run-wait-notice";
import { StepTimeline } from "./step-timeline";
import type { RunState } from "./use-run";

type Row =
  | { key: string; kind: "summary" | "wait" | "steps" | "error" | "empty" | "more" }
  | { key: string; kind: "payload"; label: string; value: unknown }
  | { key: string; kind: "message"; message: StoredMessage };

function toolResults(messages: readonly StoredMessage[]): Map<string, ToolResult> {
  const calls = new Set<string>();
  const results = new Map<string, ToolResult>();
  for (const message of messages) {
    for (const part of message.parts) {
      if (part.type === "tool_call") calls.add(part.id);
      else if (part.type === "tool_result" && calls.has(part.id) && !results.has(part.id)) results.set(part.id, part);
    }
  }
  return results;
}

function useDisclosure(): Disclosure {
  const [open, setOpenKeys] = useState<ReadonlySet<string>>(new Set());
  return useMemo(
    () => ({
      isOpen: (key) => open.has(key),
      setOpen: (key, value) =>
        setOpenKeys((keys) => {
          const next = new Set(keys);
          if (value) next.add(key);
          else next.delete(key);
          return next;
        }),
    }),
    [open],
  );
}

export function OverviewTab({
  state,
  now,
  scroller,
  onOpenRun,
}: {
  state: RunState;
  now: number;
  scroller: RefObject<HTMLDivElement | null>;
  onOpenRun(runId: string): void;
}) {
  const { run, messages, steps, hasMoreMessages, loadMoreMessages } = state;
  const disclosure = useDisclosure();
  const results = useMemo(() => toolResults(messages), [messages]);
  const rows = useMemo<Row[]>(() => {
    if (run === undefined) return [];
    const out: Row[] = [{ key: "summary", kind: "summary" }];
    if (run.wait) out.push({ key: "wait", kind: "wait" });
    if (run.kind === "workflow") {
      out.push({ key: "input", kind: "payload", label: "Input", value: run.input });
      if (steps.length > 0) out.push({ key: "steps", kind: "steps" });
      if (run.output !== undefined && run.output !== null)
        out.push({ key: "output", kind: "payload", label: "Output", value: run.output });
    }
    for (const message of messages) out.push({ key: `m:${message.id}`, kind: "message", message });
    if (hasMoreMessages) out.push({ key: "more", kind: "more" });
    else if (run.kind === "agent" && messages.length === 0) out.push({ key: "empty", kind: "empty" });
    if (run.error) out.push({ key: "error", kind: "error" });
    return out;
  }, [run, messages, steps, hasMoreMessages]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 120,
    overscan: 6,
    getItemKey: (i) => rows[i]?.key ?? i,
  });
  const items = virtualizer.getVirtualItems();
  useLoadNearEnd(items.at(-1)?.index ?? 0, rows.length, hasMoreMessages, loadMoreMessages, 10);

  if (run === undefined) return null;
  const render = (row: Row): ReactNode => {
    switch (row.kind) {
      case "summary":
        return <RunSummaryCard run={run} now={now} onOpenRun={onOpenRun} />;
      case "payload":
        return (
          <section className="payload" aria-label={row.label}>
            <h3>{row.label}</h3>
            <JsonBlock value={row.value ?? null} />
          </section>
        );
      case "wait":
        return run.wait && <RunWaitNotice wait={run.wait} steps={steps} now={now} />;
      case "steps":
        return <StepTimeline steps={steps} run={run} now={now} disclosure={disclosure} onOpenRun={onOpenRun} />;
      case "message":
        return <MessageView message={row.message} results={results} disclosure={disclosure} onOpenRun={onOpenRun} />;
      case "more":
        return <p className="loading">Loading more messages…</p>;
      case "empty":
        return (
          <EmptyState title="No conversation recorded">
            <p className="muted">This run has no messages yet. They appear here as soon as they are recorded.</p>
          </EmptyState>
        );
      case "error":
        return (
          <section className="payload run-error" aria-label="Error">
            <h3>Error</h3>
            {run.error && <ErrorView error={run.error} />}
          </section>
        );
    }
  };

  return (
    <div className="virtual" style={{ height: virtualizer.getTotalSize() }}>
      {items.map((item) => {
        const row = rows[item.index];
        return (
          <div
            key={item.key}
            data-index={item.index}
            ref={virtualizer.measureElement}
            className="virtual-row"
            style={{ transform: `translateY(${item.start}px)` }}
          >
            {row && render(row)}
          </div>
        );
      })}
    </div>
  );
}
