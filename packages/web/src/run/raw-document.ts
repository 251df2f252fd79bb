/**
 * The raw trace document (`{ spans, logs }` as JSON or YAML) cut into rows: lines of its frame and
 * one row per span or log, each formatted on its own, so a view can format only the rows on screen.
 * Joined with newlines, the rows are exactly the whole document.
 */
import type { Span, StoredLog } from "../api/api";

export type Format = "json" | "yaml";
export type Printer = (value: unknown) => string;

/** A line of the document's frame, or one item of its `spans` or `logs` list. */
export type Row = { kind: "frame"; text: string } | { kind: "item"; item: Span | StoredLog; last: boolean };

const indent = (text: string, by: string) => text.replace(/^/gm, by);

export function rowsOf(format: Format, spans: readonly Span[], logs: readonly StoredLog[]): Row[] {
  const list = (name: string, items: readonly (Span | StoredLog)[], lastList: boolean): Row[] => {
    const items$ = items.map((item, i): Row => ({ kind: "item", item, last: i === items.length - 1 }));
    if (format === "yaml") return [{ kind: "frame", text: items.length ? `${name}:` : `${name}: []` }, ...items$];
    if (items.length === 0) return [{ kind: "frame", text: `  "${name}": []${lastList ? "" : ","}` }];
    return [{ kind: "frame", text: `  "${name}": [` }, ...items$, { kind: "frame", text: `  ]${lastList ? "" : ","}` }];
  };
  const body = [...list("spans", spans, false), ...list("logs", logs, true)];
  return format === "json" ? [{ kind: "frame", text: "{" }, ...body, { kind: "frame", text: "}" }] : body;
}

export function rowText(row: Row, format: Format, yaml: Printer | undefined): string {
  if (row.kind === "frame") return row.text;
  if (format === "json") return `${indent(JSON.stringify(row.item, null, 2), "    ")}${row.last ? "" : ","}`;
  return yaml ? indent(yaml([row.item]).trimEnd(), "  ") : "…";
}
