/**
 * Opens the run store a database URL names: `postgres://…` or `postgresql://…` is PostgreSQL,
 * anything else a SQLite file (`sqlite:` before the path is allowed). One place decides, so a
 * `--database-url` flag or `KEYSTROKE_DATABASE_URL` can later pick the store without the caller
 * knowing either implementation.
 */
import { openPostgresStore } from "./postgres/postgres-run-store.js";
import type { RunStore } from "./run-store.js";
import { openSqliteStore } from "./sqlite/sqlite-run-store.js";

export interface OpenStoreOptions {
  /** The PostgreSQL schema; ignored for SQLite. */
  schema?: string;
}

/** True when `url` names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Opens the store at `url`, migrating it.
 *
 * @example
 * const store = await openStore(process.env.KEYSTROKE_DATABASE_URL ?? ".keystroke/keystroke.db");
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<RunStore> {
  if (isPostgresUrl(url)) {
    return openPostgresStore(
      options.schema === undefined ? { connectionString: url } : { connectionString: url, schema: options.schema },
    );
  }
  return openSqliteStore(url.startsWith("sqlite:") ? url.slice("sqlite:".length) : url);
}
