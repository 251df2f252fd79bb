/**
 * The filter bar: one control per RunFilter field. Every change goes to the URL at once (a
 * replace, so the back button is not flooded), and the list follows the URL.
 */
import { type RunFilterFieldName, type RunStatus, runFilterFields, runStatuses, statusCatalog } from "@keystroke/core";
import { type ReactNode, useEffect, useRef, useState } from "react";
import type { RunSummary } from "../api/api";
import { Popover } from "../ui/popover";
import { listValues, withParam } from "./history-query";
import { dateInputValue, dateParamValue } from "./time-range";
import "./history-filters.css";

interface Option {
  value: string;
  label: ReactNode;
}

interface FilterProps {
  params: URLSearchParams;
  onChange(next: URLSearchParams): void;
}

function MultiSelect({
  name,
  label,
  options,
  params,
  onChange,
  custom,
}: FilterProps & { name: string; label: string; options: Option[]; custom?: boolean }) {
  const selected = listValues(params, name);
  const [typed, setTyped] = useState("");
  const known = new Set(options.map((o) => o.value));
  const all = [...options, ...selected.filter((v) => !known.has(v)).map((v) => ({ value: v, label: v }))];
  const toggle = (value: string) =>
    onChange(
      withParam(params, name, selected.includes(value) ? selected.filter((v) => v !== value) : [...selected, value]),
    );
  const summary =
    selected.length === 0 ? label : selected.length === 1 ? `${label}: ${selected[0]}` : `${label}: ${selected.length}`;
  return (
    <Popover label={summary} active={selected.length > 0} testId={`filter-${name}`}>
      <fieldset className="options">
        <legend>{label}</legend>
        {all.length === 0 && !custom && <p className="muted small">No values yet.</p>}
        {all.map((option) => (
          <label key={option.value} className="option">
            <input type="checkbox" checked={selected.includes(option.value)} onChange={() => toggle(option.value)} />
            {option.label}
          </label>
        ))}
        {custom && (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (typed.trim() !== "" && !selected.includes(typed.trim())) toggle(typed.trim());
              setTyped("");
            }}
          >
            <input
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              placeholder={`Add a ${label.toLowerCase()}…`}
              aria-label={`Add ${label}`}
            />
          </form>
        )}
        {selected.length > 0 && (
          <button type="button" className="link" onClick={() => onChange(withParam(params, name, ""))}>
            Clear
          </button>
        )}
      </fieldset>
    </Popover>
  );
}

function RangeFilter({
  label,
  min,
  max,
  params,
  onChange,
  step,
}: FilterProps & { label: string; min: string; max: string; step?: string }) {
  const low = params.get(min) ?? "";
  const high = params.get(max) ?? "";
  const summary = low === "" && high === "" ? label : `${label}: ${low || "0"}–${high || "∞"}`;
  return (
    <Popover label={summary} active={low !== "" || high !== ""} testId={`filter-${min}`}>
      <fieldset className="range">
        <legend>{label}</legend>
        <label>
          At least
          <input
            type="number"
            min="0"
            step={step ?? "1"}
            value={low}
            onChange={(e) => onChange(withParam(params, min, e.target.value))}
          />
        </label>
        <label>
          At most
          <input
            type="number"
            min="0"
            step={step ?? "1"}
            value={high}
            onChange={(e) => onChange(withParam(params, max, e.target.value))}
          />
        </label>
      </fieldset>
    </Popover>
  );
}

const periods = [
  ["", "Any time"],
  ["1h", "Last hour"],
  ["24h", "Last 24 hours"],
  ["7d", "Last 7 days"],
  ["30d", "Last 30 days"],
] as const;

function TimeFilter({ params, onChange }: FilterProps) {
  const period = params.get("period") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const label = periods.find(([value]) => value === period)?.[1] ?? period;
  const summary = from !== "" || to !== "" ? "Custom range" : period === "" ? "Any time" : label;
  return (
    <Popover label={summary} active={period !== "" || from !== "" || to !== ""} testId="filter-time">
      <fieldset className="options">
        <legend>Time range (UTC)</legend>
        {periods.map(([value, text]) => (
          <label key={value} className="option">
            <input
              type="radio"
              name="period"
              checked={period === value && from === "" && to === ""}
              onChange={() => {
                const next = withParam(withParam(params, "from", ""), "to", "");
                onChange(withParam(next, "period", value));
              }}
            />
            {text}
          </label>
        ))}
        <label className="stack">
          From
          <input
            type="datetime-local"
            value={dateInputValue(from)}
            onChange={(e) =>
              onChange(withParam(withParam(params, "period", ""), "from", dateParamValue(e.target.value)))
            }
          />
        </label>
        <label className="stack">
          To
          <input
            type="datetime-local"
            value={dateInputValue(to)}
            onChange={(e) => onChange(withParam(withParam(params, "period", ""), "to", dateParamValue(e.target.value)))}
          />
        </label>
      </fieldset>
    </Popover>
  );
}

/**
 * The search box: applies 250 ms after typing stops, or at once on Enter. What the reader typed
 * stays as typed (a trailing space included); only a search applied elsewhere (a saved view,
 * Clear filters) replaces it. The timer waits on the text alone: the page re-renders with every
 * live update, and a timer restarted on each would never fire while runs stream in.
 */
export function SearchBox({ params, onChange }: FilterProps) {
  const applied = params.get("q") ?? "";
  const [text, setText] = useState(applied);
  const latest = useRef({ params, onChange });
  latest.current = { params, onChange };
  useEffect(() => setText((typed) => (typed.trim() === applied ? typed : applied)), [applied]);
  useEffect(() => {
    if (text.trim() === applied) return;
    const timer = setTimeout(() => latest.current.onChange(withParam(latest.current.params, "q", text.trim())), 250);
    return () => clearTimeout(timer);
  }, [text, applied]);
  return (
    <form
      className="search"
      onSubmit={(event) => {
        event.preventDefault();
        onChange(withParam(params, "q", text.trim()));
      }}
    >
      <input
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="Search conversations…"
        title='Every word must match; "a phrase", prefix*'
        aria-label="Search conversations"
      />
    </form>
  );
}

const distinct = (rows: readonly RunSummary[], pick: (run: RunSummary) => readonly string[]): Option[] => {
  const seen = new Set<string>();
  for (const run of rows.slice(0, 2000)) for (const value of pick(run)) seen.add(value);
  return [...seen].sort().map((value) => ({ value, label: value }));
};

const statusOptions: Option[] = runStatuses.map((status: RunStatus) => ({
  value: status,
  label: (
    <span className={`status status-${statusCatalog[status].tone}`}>
      <span className="status-dot" aria-hidden="true" />
      {statusCatalog[status].label}
    </span>
  ),
}));

const kindLabels = { agent: "Agent", workflow: "Workflow" } as const;

/** The list filters whose choices are the values seen in the loaded rows (any other may be typed). */
const valuesInRows = {
  project: (run) => [run.project],
  trigger: (run) => [run.trigger],
  actor: (run) => [run.actor.id],
  model: (run) => run.models,
  service: (run) => run.services,
} satisfies Partial<Record<RunFilterFieldName, (run: RunSummary) => readonly string[]>>;

/** Every filter of the History list, as chips that open a small panel. */
export function HistoryFilters({ params, onChange, rows }: FilterProps & { rows: readonly RunSummary[] }) {
  const common = { params, onChange };
  return (
    <div className="filters">
      <MultiSelect {...common} name="status" label={runFilterFields.status.label} options={statusOptions} />
      <MultiSelect
        {...common}
        name="kind"
        label={runFilterFields.kind.label}
        options={runFilterFields.kind.values.map((kind) => ({ value: kind, label: kindLabels[kind] }))}
      />
      {Object.entries(valuesInRows).map(([name, pick]) => {
        const field = runFilterFields[name as keyof typeof valuesInRows];
        return (
          <MultiSelect
            key={name}
            {...common}
            name={field.param}
            label={field.label}
            options={distinct(rows, pick)}
            custom
          />
        );
      })}
      <RangeFilter {...common} label="Cost ($)" min="costMin" max="costMax" step="0.0001" />
      <RangeFilter {...common} label="Messages" min="messagesMin" max="messagesMax" />
      <RangeFilter {...common} label="Steps" min="stepsMin" max="stepsMax" />
      <TimeFilter {...common} />
    </div>
  );
}
