/** What tests outside this package use: the PostgreSQL test database and its per-test schemas. */
export {
  dropTestSchema,
  requireTestDatabase,
  testDatabaseUrl,
  testSchemaName,
} from "../postgres/test-database.js";
