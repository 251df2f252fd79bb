import { describeIdentityStore } from "../conformance/identity.conformance.js";
import { openPostgresStore, type PostgresRunStore } from "../postgres/postgres-run-store.js";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "../postgres/test-database.js";
import { PgIdentityStore } from "./pg-identity-store.js";

describeIdentityStore("postgres", async () => {
  await requireTestDatabase();
  const schema = testSchemaName();
  const open = () => openPostgresStore({ connectionString: testDatabaseUrl, schema, maxConnections: 4 });
  let store: PostgresRunStore = await open();
  return {
    identity: new PgIdentityStore(store.pool),
    reopen: async () => {
      await store.close();
      store = await open();
      return new PgIdentityStore(store.pool);
    },
    destroy: async () => {
      await store.close();
      await dropTestSchema(schema);
    },
  };
});
