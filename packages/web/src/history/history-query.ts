/**
 * Which parts of the page's query are History filters (named exactly as `GET /api/history` takes
 * them — core's RunFilter catalog — so the URL passes straight through), and which columns are
 * shown.
 */
import { defaultHistoryColumns, type HistoryColumnId, historyColumns, runFilterFieldList } from "@keystroke/core";

/** Every filter parameter of the URL: each RunFilter field's, and `period` (shorthand for `from`). */
export const filterParams: readonly string[] = [...runFilterFieldList.map((f) => f.param), "period"];

/**
 * The filter parameters of the page's query, in a stable order (the key of a list).
 *
 * @example
 * historyFilterParams(new URLSearchParams("status=failed&tab=trace")).toString(); // "status=failed"
 */
export function historyFilterParams(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const name of filterParams) {
    const value = params.getAll(name).join(",");
    if (value !== "") out.set(name, value);
  }
  return out;
}

export const hasFilters = (params: URLSearchParams) => historyFilterParams(params).size > 0;

/** The values of a list filter (`status=failed,canceled`). */
export function listValues(params: URLSearchParams, name: string): string[] {
  return params
    .getAll(name)
    .flatMap((v) => v.split(","))
    .filter((v) => v !== "");
}

/** A copy of `params` with `name` set to `value`, or removed when empty. */
export function withParam(params: URLSearchParams, name: string, value: string | readonly string[]): URLSearchParams {
  const next = new URLSearchParams(params);
  const text = typeof value === "string" ? value : value.join(",");
  if (text === "") next.delete(name);
  else next.set(name, text);
  return next;
}

/** A copy of `params` without any filter. */
export function withoutFilters(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const name of filterParams) next.delete(name);
  return next;
}

const columnsKey = "keystroke.columns";
const knownColumns = new Set<string>(historyColumns.map((c) => c.id));

/** The visible columns: from `cols` in the URL, else the reader's last choice, else the catalog's defaults. */
export function visibleColumns(params: URLSearchParams): HistoryColumnId[] {
  const fromUrl = params.get("cols") ?? localStorage.getItem(columnsKey);
  if (fromUrl === null) return [...defaultHistoryColumns];
  const chosen = new Set(fromUrl.split(",").filter((id) => knownColumns.has(id)));
  const columns = historyColumns.filter((c) => chosen.has(c.id)).map((c) => c.id);
  return columns.length > 0 ? columns : [...defaultHistoryColumns];
}

/** Puts the chosen columns in the URL and remembers them. */
export function withColumns(params: URLSearchParams, columns: readonly HistoryColumnId[]): URLSearchParams {
  const value = columns.join(",");
  localStorage.setItem(columnsKey, value);
  return withParam(params, "cols", value === defaultHistoryColumns.join(",") ? "" : value);
}
