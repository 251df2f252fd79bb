/** A plain-text table for terminals: a header row, padded columns, long cells cut with "…". */

const MAX_CELL = 40;

/** A column: its header and how a row reads in it. */
export interface TableColumn<Row> {
  label: string;
  cell: (row: Row) => string;
  align?: "left" | "right";
}

/**
 * @example
 * renderTable([{ label: "Name", cell: (r) => r.name }], rows);
 */
export function renderTable<Row>(columns: readonly TableColumn<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((c) => cut(oneLine(c.cell(row)))));
  const widths = columns.map((c, i) => Math.max(c.label.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => {
        const width = widths[i] ?? 0;
        return columns[i]?.align === "right" ? v.padStart(width) : v.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.label)), ...cells.map(line)].join("\n");
}

/** `label: value` lines with the values aligned. */
export function renderFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width + 1)} ${value}`).join("\n");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function cut(text: string): string {
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}
