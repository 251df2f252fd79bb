import { type HistoryColumnId, historyColumns } from "@keystroke/core";
import { Popover } from "../ui/popover";

/** Checkboxes for the table's columns; the name column always stays. */
export function ColumnChooser({
  columns,
  onChange,
}: {
  columns: readonly HistoryColumnId[];
  onChange(next: HistoryColumnId[]): void;
}) {
  const toggle = (id: HistoryColumnId) => {
    const next = columns.includes(id) ? columns.filter((c) => c !== id) : [...columns, id];
    onChange(historyColumns.filter((c) => next.includes(c.id)).map((c) => c.id));
  };
  return (
    <Popover label="Columns" testId="columns">
      <fieldset className="options">
        <legend>Columns</legend>
        {historyColumns.map((column) => (
          <label key={column.id} className="option" title={column.description}>
            <input
              type="checkbox"
              checked={columns.includes(column.id)}
              disabled={column.id === "name"}
              onChange={() => toggle(column.id)}
            />
            {column.label}
          </label>
        ))}
      </fieldset>
    </Popover>
  );
}
