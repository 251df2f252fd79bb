export {
  type CopyMismatch,
  type CopyOptions,
  type CopyProgress,
  type CopyReport,
  copyRuns,
} from "./copy/copy-runs.js";
export { describeStore, openExistingStore, sameStore } from "./copy/store-location.js";
export type { DeployRecord, DeployStatus, DeployStore, DeployWithFiles, LiveDeploy } from "./deploys/deploy-store.js";
export { PgDeployStore } from "./deploys/pg-deploy-store.js";
export { SqliteDeployStore } from "./deploys/sqlite-deploy-store.js";
export * from "./identity/identity-store.js";
export { PgIdentityStore } from "./identity/pg-identity-store.js";
export { SqliteIdentityStore } from "./identity/sqlite-identity-store.js";
export { isPostgresUrl, type OpenStoreOptions, openStore, splitSchema } from "./open-store.js";
export { describeTarget, type PostgresStoreOptions } from "./postgres/connection.js";
export { PgRunClaims, type PgRunClaimsOptions } from "./postgres/pg-run-claims.js";
export { PgScheduler, type PgSchedulerOptions } from "./postgres/pg-scheduler.js";
export { PgTriggerStateStore } from "./postgres/pg-trigger-state-store.js";
export { openPostgresStore, PostgresRunStore } from "./postgres/postgres-run-store.js";
export { loadSharedSecret } from "./postgres/shared-secret.js";
export * from "./run-store.js";
export * from "./scheduler/scheduler.js";
export { SqliteScheduler } from "./scheduler/sqlite-scheduler.js";
export { migrations } from "./sqlite/migrations.js";
export { openSqliteStore, SqliteRunStore, type SqliteStoreOptions } from "./sqlite/sqlite-run-store.js";
export { SqliteTriggerStateStore } from "./triggers/sqlite-trigger-state-store.js";
export * from "./triggers/trigger-state-store.js";
