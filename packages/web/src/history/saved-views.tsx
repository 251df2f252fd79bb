/**
 * Saved views: named filter sets one click away. "Failed" and "Running" are built in; the
 * reader's own are kept in this browser.
 */
import { activeStatuses } from "@keystroke/core";
import { useState } from "react";
import { Popover } from "../ui/popover";
import { historyFilterParams } from "./history-query";
import "./saved-views.css";

export interface SavedView {
  name: string;
  /** The filter query, as in the URL. */
  query: string;
  builtIn?: boolean;
}

const storageKey = "keystroke.views";

export const builtInViews: readonly SavedView[] = [
  { name: "All runs", query: "", builtIn: true },
  { name: "Failed", query: "status=failed", builtIn: true },
  { name: "Running", query: new URLSearchParams({ status: activeStatuses.join(",") }).toString(), builtIn: true },
];

function loadViews(): SavedView[] {
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey) ?? "[]") as unknown;
    return Array.isArray(stored)
      ? stored.filter((v): v is SavedView => typeof v?.name === "string" && typeof v?.query === "string")
      : [];
  } catch {
    return [];
  }
}

/** The saved views as tabs, and a button to save the current filters as a view. */
export function SavedViews({ params, onSelect }: { params: URLSearchParams; onSelect(query: string): void }) {
  const [views, setViews] = useState(loadViews);
  const [name, setName] = useState("");
  const current = historyFilterParams(params).toString();
  const store = (next: SavedView[]) => {
    localStorage.setItem(storageKey, JSON.stringify(next));
    setViews(next);
  };
  const canonical = (query: string) => historyFilterParams(new URLSearchParams(query)).toString();
  return (
    <nav className="views" aria-label="Saved views">
      {[...builtInViews, ...views].map((view) => (
        <span key={view.name} className="view">
          <button
            type="button"
            className={canonical(view.query) === current ? "view-tab active" : "view-tab"}
            aria-pressed={canonical(view.query) === current}
            onClick={() => onSelect(view.query)}
          >
            {view.name}
          </button>
          {!view.builtIn && (
            <button
              type="button"
              className="ghost icon small"
              aria-label={`Delete view ${view.name}`}
              onClick={() => store(views.filter((v) => v !== view))}
            >
              ×
            </button>
          )}
        </span>
      ))}
      {current !== "" && !views.some((v) => canonical(v.query) === current) && (
        <Popover label="Save view" testId="save-view">
          <form
            className="stack"
            onSubmit={(event) => {
              event.preventDefault();
              const trimmed = name.trim();
              if (trimmed === "") return;
              store([...views.filter((v) => v.name !== trimmed), { name: trimmed, query: current }]);
              setName("");
            }}
          >
            <label className="stack">
              Name of this view
              <input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Failed support runs" />
            </label>
            <button type="submit">Save</button>
          </form>
        </Popover>
      )}
    </nav>
  );
}
