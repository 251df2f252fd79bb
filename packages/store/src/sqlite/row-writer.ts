/**
 * Inserts rows of one shape many per statement: rows gather until a statement's worth has
 * arrived (or `flush`), then go in one multi-row INSERT. Each statement call crosses from
 * JavaScript into SQLite once, so a 500-event batch makes a few dozen calls, not a thousand.
 */
import type Database from "better-sqlite3";

const ROWS_PER_STATEMENT = 64;

export class RowWriter {
  private values: unknown[] = [];
  private readonly many: Database.Statement;
  private readonly one: Database.Statement;

  /**
   * @param insert the statement up to VALUES, e.g. `INSERT INTO logs (run_no, idx, seq)`
   * @param suffix what follows the values, e.g. an `ON CONFLICT` clause
   */
  constructor(
    db: Database.Database,
    insert: string,
    private readonly columns: number,
    suffix = "",
  ) {
    const row = `(${Array(columns).fill("?").join(", ")})`;
    this.many = db.prepare(`${insert} VALUES ${Array(ROWS_PER_STATEMENT).fill(row).join(", ")} ${suffix}`);
    this.one = db.prepare(`${insert} VALUES ${row} ${suffix}`);
  }

  add(...row: unknown[]): void {
    this.values.push(...row);
    if (this.values.length === ROWS_PER_STATEMENT * this.columns) this.flush();
  }

  /** Writes every waiting row. */
  flush(): void {
    const values = this.values;
    this.values = [];
    if (values.length === ROWS_PER_STATEMENT * this.columns) {
      this.many.run(...values);
      return;
    }
    for (let i = 0; i < values.length; i += this.columns) this.one.run(...values.slice(i, i + this.columns));
  }

  /** Forgets waiting rows (their transaction is being rolled back). */
  discard(): void {
    this.values = [];
  }
}
