/**
 * Where a store is, for a command that names two of them (`keystroke db copy --from … --to …`):
 * how to say it without a password, whether two names are one database, and opening a store that
 * must exist already. `openStore` creates what it does not find — right for a target, wrong for a
 * source, where a typo would copy an empty database it just made. A name is what openStore takes:
 * a SQLite path (`sqlite:` before it is allowed) or a postgres:// URL, with `?schema=<name>`.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { KeystrokeError } from "@keystroke/core";
import Database from "better-sqlite3";
import pg from "pg";
import { isPostgresUrl, openStore, splitSchema } from "../open-store.js";
import { checkSchemaName, connectionError, describeTarget } from "../postgres/connection.js";
import type { RunStore } from "../run-store.js";

const DEFAULT_SCHEMA = "public";
const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

function sqlitePath(url: string): string {
  return url.startsWith("sqlite:") ? url.slice("sqlite:".length) : url;
}

/**
 * The store for a person to read: the SQLite path, or host, port and database (and a schema other
 * than `public`) of a PostgreSQL URL — never its user or password.
 *
 * @example
 * describeStore("postgres://k:secret@db:5432/keystroke?schema=runs"); // "db:5432/keystroke (schema runs)"
 */
export function describeStore(url: string): string {
  if (!isPostgresUrl(url)) return sqlitePath(url);
  const { connectionString, schema = DEFAULT_SCHEMA } = splitSchema(url);
  const where = describeTarget(connectionString);
  return schema === DEFAULT_SCHEMA ? where : `${where} (schema ${schema})`;
}

/** What makes two names one store: a file's real path, or PostgreSQL's host, port, database and schema. */
function storeIdentity(url: string): string {
  if (!isPostgresUrl(url)) {
    const path = resolve(sqlitePath(url));
    return `sqlite:${existsSync(path) ? realpathSync(path) : path}`;
  }
  const { connectionString, schema = DEFAULT_SCHEMA } = splitSchema(url);
  try {
    const parsed = new URL(connectionString);
    const host = (parsed.hostname || parsed.searchParams.get("host") || "localhost").toLowerCase();
    const database = decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username);
    return `postgres:${LOOPBACK.has(host) ? "localhost" : host}:${parsed.port || "5432"}/${database}/${schema}`;
  } catch {
    return `postgres:${connectionString}/${schema}`;
  }
}

/**
 * True when both name the same database: one SQLite file (however the path is written), or one
 * PostgreSQL database and schema (whoever connects, and `localhost` being `127.0.0.1`).
 */
export function sameStore(a: string, b: string): boolean {
  return storeIdentity(a) === storeIdentity(b);
}

function noStore(url: string, why: string): KeystrokeError {
  return new KeystrokeError("not_found", `No Keystroke store at ${describeStore(url)}: ${why}`, {
    hint: "Name the SQLite file a Keystroke server writes (keystroke dev and serve use .keystroke/keystroke.db), or the postgres:// URL (and ?schema=) of one",
  });
}

/** Whether the SQLite file holds a store; never creates or changes it. */
function checkSqliteStore(url: string): void {
  const path = sqlitePath(url);
  if (!existsSync(path)) throw noStore(url, "the file does not exist");
  if (!statSync(path).isFile()) throw noStore(url, "it is not a file");
  let found: unknown;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      found = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get();
    } finally {
      db.close();
    }
  } catch (thrown) {
    throw noStore(url, `it cannot be read as SQLite (${(thrown as Error).message})`);
  }
  if (found === undefined) throw noStore(url, "the file has no runs table");
}

/** Whether the PostgreSQL schema holds a store; never creates anything. */
async function checkPostgresStore(url: string): Promise<void> {
  const { connectionString, schema = DEFAULT_SCHEMA } = splitSchema(url);
  checkSchemaName(schema);
  const client = new pg.Client({ connectionString, application_name: "keystroke" });
  let found: boolean | undefined;
  try {
    await client.connect();
    const { rows } = await client.query<{ found: boolean }>("SELECT to_regclass($1) IS NOT NULL AS found", [
      `${schema}.runs`,
    ]);
    found = rows[0]?.found;
  } catch (thrown) {
    throw connectionError(thrown, connectionString);
  } finally {
    await client.end().catch(() => undefined);
  }
  if (!found) throw noStore(url, `schema ${schema} has no runs table`);
}

/**
 * Opens the store `url` names, which must exist already (migrating it, as a server would), and
 * fails with `not_found` instead of creating one.
 *
 * @example
 * const source = await openExistingStore(".keystroke/keystroke.db");
 */
export async function openExistingStore(url: string): Promise<RunStore> {
  if (isPostgresUrl(url)) await checkPostgresStore(url);
  else checkSqliteStore(url);
  return openStore(url);
}
