import type { KeyboardEvent, ReactNode } from "react";
import "./tab-list.css";

export interface TabItem<T extends string> {
  id: T;
  label: ReactNode;
}

/** The id of a tab's button, for the tabpanel's aria-labelledby. */
export const tabId = (prefix: string, id: string) => `${prefix}-tab-${id}`;

const step: Record<string, (index: number, count: number) => number> = {
  ArrowRight: (i, n) => (i + 1) % n,
  ArrowLeft: (i, n) => (i - 1 + n) % n,
  Home: () => 0,
  End: (_, n) => n - 1,
};

/**
 * A row of tabs (WAI-ARIA tabs, automatic activation): only the selected tab is in the Tab order;
 * ←/→ move to the previous or next tab and select it, Home and End to the first and last.
 */
export function TabList<T extends string>({
  label,
  tabs,
  selected,
  prefix,
  panelId,
  className,
  tabClassName,
  onSelect,
}: {
  label: string;
  tabs: readonly TabItem<T>[];
  selected: T;
  /** Makes the tabs' ids unique on the page. */
  prefix: string;
  /** The tabpanel the tabs control. */
  panelId?: string;
  className: string;
  tabClassName?: string;
  onSelect(id: T): void;
}) {
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const move = step[event.key];
    if (move === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    const next =
      tabs[
        move(
          Math.max(
            0,
            tabs.findIndex((t) => t.id === selected),
          ),
          tabs.length,
        )
      ];
    if (next === undefined) return;
    onSelect(next.id);
    document.getElementById(tabId(prefix, next.id))?.focus();
  };
  return (
    <div className={className} role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map(({ id, label: text }) => (
        <button
          key={id}
          id={tabId(prefix, id)}
          type="button"
          role="tab"
          aria-selected={id === selected}
          aria-controls={panelId}
          tabIndex={id === selected ? 0 : -1}
          className={[tabClassName, id === selected ? "active" : undefined].filter(Boolean).join(" ") || undefined}
          onClick={() => onSelect(id)}
        >
          {text}
        </button>
      ))}
    </div>
  );
}
