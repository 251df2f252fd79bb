export * from "./run-store.js";
export { migrations } from "./sqlite/migrations.js";
export { openSqliteStore, SqliteRunStore, type SqliteStoreOptions } from "./sqlite/sqlite-run-store.js";
