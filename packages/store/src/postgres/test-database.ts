/**
 * The PostgreSQL the tests use: `KEYSTROKE_TEST_DATABASE_URL`, or the local server CI starts
 * (127.0.0.1:5432, database `test`, trust auth). Each store under test gets a schema of its own,
 * `ks_test_<random>`, dropped afterwards, so test files running in parallel never meet.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describeTarget } from "./connection.js";

export const testDatabaseUrl = process.env.KEYSTROKE_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A fresh schema name for one store under test. */
export function testSchemaName(): string {
  return `ks_test_${randomBytes(6).toString("hex")}`;
}

let reachable: Promise<void> | undefined;

/**
 * Fails loudly, saying how to start PostgreSQL, when the test database cannot be reached: the
 * PostgreSQL suite must never skip silently. Call it before each test (it checks once), so that
 * every test fails rather than being counted as skipped.
 */
export function requireTestDatabase(): Promise<void> {
  reachable ??= checkTestDatabase();
  return reachable;
}

async function checkTestDatabase(): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    throw new Error(
      `PostgreSQL for the store tests is not reachable at ${describeTarget(testDatabaseUrl)} (${(error as Error).message}).
Start it, e.g. on Debian: apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start,
then: su postgres -c "createdb test" — with trust auth for 127.0.0.1 in pg_hba.conf (.ci/run does all of this),
or point KEYSTROKE_TEST_DATABASE_URL at another server.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops a schema made by testSchemaName, with everything in it. */
export async function dropTestSchema(schema: string): Promise<void> {
  if (!/^ks_test_[0-9a-f]+$/.test(schema)) throw new Error(`Not a test schema: ${schema}`);
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
