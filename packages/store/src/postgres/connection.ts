/**
 * The PostgreSQL connection pool of a store. Every connection of the pool works inside one
 * schema (its `search_path`), so the store's SQL names tables without a schema and several
 * stores — one per test, or one per tenant — can share a database without seeing each other.
 */
import { KeystrokeError } from "@keystroke/core";
import pg from "pg";

export interface PostgresStoreOptions {
  /** `postgres://user@host:5432/database`, as libpq takes it. */
  connectionString: string;
  /** The schema the store's tables live in, created if missing; `public` by default. */
  schema?: string;
  /** Connections in the pool; 10 by default. */
  maxConnections?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks a schema name: lowercase letters, digits and `_`, so it never needs quoting. */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new KeystrokeError("invalid_input", `Invalid schema name "${schema}"`, {
      hint: "Use lowercase letters, digits and _ (at most 63), starting with a letter or _",
      details: { problems: [{ path: "schema", message: "not a plain lowercase identifier" }] },
    });
  }
  return schema;
}

const INT8 = 20;

/** Reads bigint columns (run numbers, epoch milliseconds) as numbers; the store's stay below 2^53. */
function getTypeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
  if (oid === INT8 && format !== "binary") return Number;
  return pg.types.getTypeParser(oid, format as "text");
}

/** Opens a pool whose connections use `schema` (already checked) for every unqualified name. */
export function createPool(options: PostgresStoreOptions, schema: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    types: { getTypeParser },
    max: options.maxConnections ?? 10,
    // History pages are small: starting parallel workers costs more than they save (a filtered
    // search measured 41 ms with them, 1 ms without).
    options: `-c search_path=${checkSchemaName(schema)} -c max_parallel_workers_per_gather=0`,
    application_name: "keystroke",
  });
  // An idle connection that the server closes must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  return pool;
}

/** Errors that mean "no usable database there": refused, unknown host, bad login, no such database. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "ECONNRESET",
  "28P01",
  "28000",
  "3D000",
]);

/** Where a connection string points, without its password. */
export function describeTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname || "localhost"}:${url.port || "5432"}${url.pathname || "/"}`;
  } catch {
    return "the configured database";
  }
}

/** A failure to open the store, as a KeystrokeError that says where it tried and what to do. */
export function connectionError(thrown: unknown, connectionString: string): unknown {
  const code = (thrown as { code?: unknown } | undefined)?.code;
  if (typeof code !== "string" || !UNREACHABLE.has(code)) return thrown;
  return new KeystrokeError(
    "unavailable",
    `Cannot use PostgreSQL at ${describeTarget(connectionString)}: ${(thrown as Error).message || code}`,
    {
      hint: "Start PostgreSQL and check the connection string (user, password, database)",
      cause: thrown,
    },
  );
}
