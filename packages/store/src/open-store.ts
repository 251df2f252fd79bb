/**
 * Opens the run store a database URL names: `postgres://…` or `postgresql://…` is PostgreSQL,
 * anything else a SQLite file (`sqlite:` before the path is allowed). One place decides, so a
 * `--database-url` flag or `KEYSTROKE_DATABASE_URL` picks the store without the caller knowing
 * either implementation. A PostgreSQL URL may name the schema the tables live in with
 * `?schema=<name>` (the store's own parameter, removed before the URL reaches the driver), so
 * several Keystroke servers can share one database.
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
    const { connectionString, schema } = splitSchema(url);
    const chosen = options.schema ?? schema;
    return openPostgresStore(chosen === undefined ? { connectionString } : { connectionString, schema: chosen });
  }
  return openSqliteStore(url.startsWith("sqlite:") ? url.slice("sqlite:".length) : url);
}

/** Separates the store's `schema` parameter from the rest of a PostgreSQL URL. */
export function splitSchema(url: string): { connectionString: string; schema?: string } {
  const query = url.indexOf("?");
  if (query < 0) return { connectionString: url };
  const params = new URLSearchParams(url.slice(query + 1));
  const schema = params.get("schema") ?? undefined;
  if (schema === undefined) return { connectionString: url };
  params.delete("schema");
  const rest = params.toString();
  return { connectionString: url.slice(0, query) + (rest ? `?${rest}` : ""), schema };
}
