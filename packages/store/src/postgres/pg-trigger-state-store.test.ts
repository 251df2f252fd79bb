import { describeTriggerStateStore } from "../conformance/trigger-state.conformance.js";
import { PgTriggerStateStore } from "./pg-trigger-state-store.js";
import { openPostgresStore, type PostgresRunStore } from "./postgres-run-store.js";
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "./test-database.js";

describeTriggerStateStore("postgres", async () => {
  await requireTestDatabase();
  const schema = testSchemaName();
  const open = () => openPostgresStore({ connectionString: testDatabaseUrl, schema, maxConnections: 4 });
  let store: PostgresRunStore = await open();
  return {
    triggers: new PgTriggerStateStore(store.pool),
    reopen: async () => {
      await store.close();
      store = await open();
      return new PgTriggerStateStore(store.pool);
    },
    destroy: async () => {
      await store.close();
      await dropTestSchema(schema);
    },
  };
});
