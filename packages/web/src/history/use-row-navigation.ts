/**
 * Moving between the rows of the History table with the keyboard (roving tabindex): one row, the
 * active one, is in the Tab order; ↑/↓ move to the previous or next row, PageUp/PageDown by a
 * screenful, Home/End to the first and last row loaded, and Enter follows the row's link. The
 * active row follows the run open in the panel, and when the panel closes with the focus in it,
 * the focus goes back to that run's row.
 */
import type { Virtualizer } from "@tanstack/react-virtual";
import { type FocusEvent, type KeyboardEvent, type RefObject, useCallback, useEffect, useRef, useState } from "react";
import type { RunSummary } from "../api/api";

/** A focus asked for keeps trying on the next renders (the row may not be drawn yet), not for ever. */
const PENDING_MS = 1000;

const linkOf = (table: HTMLElement | null, index: number) =>
  table?.querySelector<HTMLElement>(`tr[aria-rowindex="${index + 2}"] a`) ?? undefined;

const rowIndexOf = (target: EventTarget | null): number | undefined => {
  const row = target instanceof Element ? target.closest("tr[aria-rowindex]") : null;
  const index = Number(row?.getAttribute("aria-rowindex")) - 2;
  return Number.isInteger(index) && index >= 0 ? index : undefined;
};

export interface RowNavigation {
  /** The index of the row in the Tab order. */
  active: number;
  onKeyDown(event: KeyboardEvent<HTMLElement>): void;
  onFocus(event: FocusEvent<HTMLElement>): void;
}

/**
 * @example
 * const nav = useRowNavigation(rows, selectedRunId, virtualizer, scroller, 40);
 * <table onKeyDown={nav.onKeyDown} onFocus={nav.onFocus}>…</table>
 */
export function useRowNavigation(
  rows: readonly RunSummary[],
  openRunId: string | undefined,
  virtualizer: Virtualizer<HTMLDivElement, Element>,
  scroller: RefObject<HTMLDivElement | null>,
  rowHeight: number,
): RowNavigation {
  const [activeIndex, setActive] = useState(0);
  const active = Math.max(0, Math.min(activeIndex, rows.length - 1));
  const pending = useRef<{ index: number; at: number } | undefined>(undefined);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;

  /** Focuses the row's link now if it is drawn, else once it is. */
  const focusRow = useCallback(
    (index: number) => {
      setActive(index);
      virtualizer.scrollToIndex(index, { align: "auto" });
      const link = linkOf(scroller.current, index);
      if (link) link.focus({ preventScroll: true });
      else pending.current = { index, at: Date.now() };
    },
    [virtualizer, scroller],
  );

  // The active row follows the open run; when the panel closes, the focus it held goes back to the run's row.
  const previous = useRef(openRunId);
  useEffect(() => {
    const closed = previous.current;
    previous.current = openRunId;
    const index = rowsRef.current.findIndex((r) => r.runId === (openRunId ?? closed));
    if (index === -1) return;
    setActive(index);
    const focusLost = document.activeElement === null || document.activeElement === document.body;
    if (openRunId === undefined && focusLost) focusRow(index);
  }, [openRunId, focusRow]);

  // After each render, until the row asked for is drawn.
  useEffect(() => {
    const wanted = pending.current;
    if (wanted === undefined) return;
    if (Date.now() - wanted.at > PENDING_MS) {
      pending.current = undefined;
      return;
    }
    const link = linkOf(scroller.current, wanted.index);
    if (link) {
      pending.current = undefined;
      link.focus({ preventScroll: true });
    }
  });

  return {
    active,
    onKeyDown(event) {
      const from = rowIndexOf(event.target);
      if (from === undefined || event.altKey || event.metaKey || event.shiftKey) return;
      const last = rows.length - 1;
      const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 0) / rowHeight) - 2);
      const to: Record<string, number> = {
        ArrowDown: from + 1,
        ArrowUp: from - 1,
        PageDown: from + page,
        PageUp: from - page,
        Home: 0,
        End: last,
      };
      const next = to[event.key];
      if (next === undefined || (event.ctrlKey && event.key !== "Home" && event.key !== "End")) return;
      event.preventDefault();
      focusRow(Math.max(0, Math.min(next, last)));
    },
    onFocus(event) {
      const index = rowIndexOf(event.target);
      if (index !== undefined) setActive(index);
    },
  };
}
