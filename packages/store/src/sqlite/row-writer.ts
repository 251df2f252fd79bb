/**
 * Inserts rows of one shape many per statement: rows gather until a statement's worth has
 * arrived (or `flush`), then go in multi-row INSERTs. Each statement call crosses from
 * JavaScript into SQLite once, so a 500-event batch makes a few dozen calls, not a thousand.
 *
 * A flush of fewer rows goes out in power-of-two statements (19 rows: 16 + 2 + 1), not one
 * call per row: an OTLP request is dozens of small batches (one per run, about 20 events
 * each), and one statement per row made the calls themselves the largest cost of its append.
 */
import type Database from "better-sqlite3";

const ROWS_PER_STATEMENT = 64;

export class RowWriter {
  private values: unknown[] = [];
  /** Statements by rows per call (powers of two up to ROWS_PER_STATEMENT), prepared on first use. */
  private readonly statements = new Map<number, Database.Statement>();

  /**
   * @param insert the statement up to VALUES, e.g. `INSERT INTO logs (run_no, idx, seq)`
   * @param suffix what follows the values, e.g. an `ON CONFLICT` clause
   */
  constructor(
    private readonly db: Database.Database,
    private readonly insert: string,
    private readonly columns: number,
    private readonly suffix = "",
  ) {
    this.statement(ROWS_PER_STATEMENT);
    this.statement(1);
  }

  add(...row: unknown[]): void {
    this.values.push(...row);
    if (this.values.length === ROWS_PER_STATEMENT * this.columns) this.flush();
  }

  /** Writes every waiting row, in order. */
  flush(): void {
    const values = this.values;
    if (values.length === 0) return;
    this.values = [];
    let rows = values.length / this.columns;
    let from = 0;
    for (let size = ROWS_PER_STATEMENT; rows > 0; size >>= 1) {
      while (rows >= size) {
        const count = size * this.columns;
        this.statement(size).run(from === 0 && count === values.length ? values : values.slice(from, from + count));
        from += count;
        rows -= size;
      }
    }
  }

  /** Forgets waiting rows (their transaction is being rolled back). */
  discard(): void {
    this.values = [];
  }

  private statement(rows: number): Database.Statement {
    let statement = this.statements.get(rows);
    if (statement === undefined) {
      const row = `(${Array(this.columns).fill("?").join(", ")})`;
      statement = this.db.prepare(`${this.insert} VALUES ${Array(rows).fill(row).join(", ")} ${this.suffix}`);
      this.statements.set(rows, statement);
    }
    return statement;
  }
}
